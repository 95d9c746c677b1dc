// Package render draws the casework's values for people, on paper and in
// spreadsheets: the 一人一策 handout as a PDF (A4, one graduate a page,
// Chinese, with a CJK font subset embedded), a district's plans and the
// bureau's progress reports as XLSX, and the dashboard's charts as SVG.
//
// It renders values matcher/casework has already assembled (Handout,
// Dashboard, Report); it decides nothing. The API and the CLI call the
// same functions, so a download and `jobmatch shortlist --format pdf` are
// the same document.
//
// # The font
//
// PDF text in Chinese needs a font with CJK glyphs. The repository does
// not carry one: a usable CJK font is megabytes (Droid Sans Fallback is
// 4 MB), and fpdf embeds only the subset of glyphs a document uses, so
// each PDF stays small whatever the source font. FindFont looks for the
// font at run time: the path given (serve --pdf-font, or
// JOBMATCH_PDF_FONT), else Debian's fonts-droid-fallback, else a Noto or
// WenQuanYi CJK font. Droid Sans Fallback is Apache-2.0, which allows
// embedding. Without a font the PDF routes answer 503 naming what was
// looked for; the print view (print.html, the browser's fonts) still works.
//
// # Spreadsheets
//
// Every text cell a person or a portal wrote is escaped against formula
// injection: a cell starting with = + - @ (or a tab or carriage return) is
// written with a leading apostrophe, so Excel and WPS show it as text.
package render
