package verifier

import (
	"strconv"
	"strings"
)

// CompareVersions orders dotted versions ("1.0.10" > "1.0.9"); a leading "v"
// is ignored, numeric parts compare as numbers, other parts as strings, and a
// pre-release ("1.0.1-rc1") sorts before its release.
func CompareVersions(a, b string) int {
	a, b = strings.TrimPrefix(a, "v"), strings.TrimPrefix(b, "v")
	ac, apre, _ := strings.Cut(a, "-")
	bc, bpre, _ := strings.Cut(b, "-")
	as, bs := strings.Split(ac, "."), strings.Split(bc, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		x, y := "0", "0"
		if i < len(as) {
			x = as[i]
		}
		if i < len(bs) {
			y = bs[i]
		}
		if c := comparePart(x, y); c != 0 {
			return c
		}
	}
	switch {
	case apre == bpre:
		return 0
	case apre == "":
		return 1
	case bpre == "":
		return -1
	}
	return comparePart(apre, bpre)
}

func comparePart(x, y string) int {
	xi, errx := strconv.ParseUint(x, 10, 64)
	yi, erry := strconv.ParseUint(y, 10, 64)
	if errx == nil && erry == nil {
		switch {
		case xi < yi:
			return -1
		case xi > yi:
			return 1
		}
		return 0
	}
	return strings.Compare(x, y)
}
