package main

import (
	"os"

	"github.com/craudit/craudit/checks/attack/testdata/weakprimary"
)

func main() { os.Exit(weakprimary.Main(os.Args[1:], weakprimary.Weakness{SkipCrossCheck: true})) }
