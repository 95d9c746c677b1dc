// Package major resolves a major's name as a person wrote it — in a
// ledger, a profile, or a post's description — to the national catalogues
// (matcher/catalog), and, for a name the catalogues do not know, infers its
// 专业类 from its words, so that no graduate is refused for an unknown
// major.
//
// Resolution is catalog.ResolveMajor first (the catalogue name at the
// graduate's level, an alias, a normalised form, a 专业类 name); only a
// name none of those find is inferred. Inference needs words, and words
// need the index package's gse segmenter, which matcher/catalog may not
// import (it stays standard-library only, read by the matching core): that
// is why inference lives here, in ingest, where the segmenter is allowed.
// The segmenter, and the word index of the catalogue built with it, load
// on the first name that needs them.
//
// Inference votes: every word (and sub-word, as the index stores them) of
// the unknown name counts for the 专业类 whose majors' names contain it,
// weighted by how rare the word is across the catalogue (inverse document
// frequency) and by half again for the head word that ends the name
// (老年护理 is about 护理 more than about 老年) unless another word names
// fewer majors (宠物美容与护理 is about 宠物, not nursing); the 专业类 of the
// graduate's levels with the most votes wins, else that of any level. Only
// a 专业类 that a specific word votes for can win — a word that names few
// majors (护理, 会计, 汽车), not 技术 or 管理 —, so a name made only of
// generic words, or of words no major uses, stays unresolved. An inferred
// 专业类 never carries its licensed occupations (catalog.MajorOccupations):
// a licence needs a major of the catalogue.
package major
