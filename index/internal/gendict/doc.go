// Command gendict writes index/dict_zh.txt: gse's simplified-Chinese
// dictionary (data/dict/zh/s_1.txt of the gse module in go.mod) keeping only
// words whose frequency is at least -min. Run through `go generate
// ./index`; doc.go records why the threshold is what it is.
package main
