// Package web is the counselor workspace (就业指导员工作台): the browser
// front end of jobmatch's casework API, served by `jobmatch serve` at
// /workspace/.
//
// It is plain HTML, CSS and vanilla JavaScript embedded in the binary with
// go:embed: no npm, no build step and no CDN, because the machines it runs
// on (district 人社局 offices) are offline, and a binary that carries its
// own UI cannot drift from the API it calls.
//
// What the workspace does, all through the public REST API (/v1/...):
//   - sign-in: a counselor's or admin's name and password (POST
//     /v1/session). The session is an HttpOnly, SameSite=Strict cookie the
//     script never sees; its CSRF token stays in the page's memory and goes
//     as X-CSRF-Token on every write; a reload or a new tab asks /v1/me for
//     it again. An API key may be pasted instead: it is kept in
//     sessionStorage only (gone when the tab closes; never in localStorage,
//     a cookie or a URL) and sent as Authorization: Bearer. Sign-out ends
//     the session on the server and reloads the page, so nothing of the
//     previous person (filters, paging, rows) remains;
//   - caseload: the district's graduates, filtered by status, 就业困难 and
//     "contact overdue" (5日内必联系), paged, with a district dashboard of
//     registration and placement rates against the plan's milestones;
//   - graduate page: the masked profile, recommendations with their Chinese
//     reasons, the 一人一策 shortlist builder checked live against the
//     policy, the subsidies that apply, and the contact log. The page also
//     holds, off-screen, the graduate's handout sheet (handout.js, sheet.css,
//     the print view's own), so that the browser's print of the page is the
//     handout's one A4 page and never the forms and buttons;
//   - print view (print.html): one graduate's handout or the district's, one
//     A4 sheet each, with the PDF and XLSX downloads.
//
// Security: every page is served with a Content-Security-Policy that allows
// only this origin's own script, style and fetches (no inline script, no
// third-party anything), X-Frame-Options DENY and no referrer. The script
// builds the page with textContent, never innerHTML, so data from the
// store cannot become markup. Graduate ids (opaque ledger ids, not
// personal data) appear only in the URL fragment, which browsers do not
// send to servers or put in Referer headers.
package web
