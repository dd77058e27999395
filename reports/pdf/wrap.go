package pdf

import (
	"strings"
)

// run is a piece of inline text in one font, optionally a link.
type run struct {
	s     string
	style string // "", "B", "mono"
	pt    float64
	href  string
	grey  bool
}

// piece is a run's part on one line, measured.
type piece struct {
	run
	w float64
}

// seps are where a token too long for its line may break: after a path
// separator, a dot, a hyphen or an underscore, never inside a word.
const seps = "/.-_"

// minShrink is how far an unbreakable token may shrink to fit its line.
const minShrink = 0.6

// wrap lays runs out in lines at most w wide. Lines break at spaces; a
// token wider than the line breaks after the last separator that fits and,
// when none does, is set whole on its own line. measure gives the width of
// a string in a run's font. A "\n" in a run is a line break.
func wrap(runs []run, w float64, measure func(run) float64) [][]piece {
	var lines [][]piece
	var cur []piece
	x := 0.0
	flush := func() {
		// Trailing spaces take no room.
		if n := len(cur); n > 0 {
			last := &cur[n-1]
			if t := strings.TrimRight(last.s, " "); t != last.s {
				last.s = t
				last.w = measure(last.run)
			}
		}
		lines = append(lines, cur)
		cur, x = nil, 0
	}
	add := func(r run, s string) {
		p := r
		p.s = s
		pw := measure(p)
		if n := len(cur); n > 0 && cur[n-1].style == r.style && cur[n-1].pt == r.pt && cur[n-1].href == r.href && cur[n-1].grey == r.grey {
			cur[n-1].s += s
			cur[n-1].w = measure(cur[n-1].run)
		} else {
			cur = append(cur, piece{run: p, w: pw})
		}
		x += pw
	}
	for _, r := range runs {
		for i, para := range strings.Split(r.s, "\n") {
			if i > 0 {
				flush()
			}
			for _, tok := range tokens(para) {
				for tok != "" {
					word := strings.TrimRight(tok, " ")
					probe := r
					probe.s = word
					if x+measure(probe) <= w+0.01 {
						add(r, tok)
						break
					}
					if x > 0 && strings.TrimSpace(word) != "" {
						probe.s = word
						if measure(probe) <= w+0.01 {
							flush()
							add(r, strings.TrimLeft(tok, " "))
							break
						}
					}
					head, rest := breakToken(r, tok, w-x, measure)
					if head == "" {
						if x > 0 {
							flush()
							head, rest = breakToken(r, tok, w, measure)
						}
						if head == "" { // no separator fits: the token stays whole,
							// set smaller when that makes it fit (a hash in a narrow column)
							head, rest = tok, ""
							probe.s = strings.TrimRight(tok, " ")
							if full := measure(probe); full > w && full*minShrink <= w {
								r.pt = float64(int(r.pt*w/full*10)) / 10
							}
						}
					}
					add(r, head)
					if rest != "" {
						flush()
					}
					tok = rest
				}
			}
		}
	}
	if len(cur) > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// tokens splits s into words, each with the spaces that follow it.
func tokens(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' && (i+1 == len(s) || s[i+1] != ' ') {
			out = append(out, s[start:i+1])
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// breakToken returns the longest head of tok that ends after a separator
// and fits in w, and the rest; head is "" when none fits.
func breakToken(r run, tok string, w float64, measure func(run) float64) (head, rest string) {
	best := -1
	for i := 0; i < len(tok)-1; i++ {
		if strings.IndexByte(seps, tok[i]) < 0 {
			continue
		}
		probe := r
		probe.s = tok[:i+1]
		if measure(probe) > w+0.01 {
			break
		}
		best = i + 1
	}
	if best <= 0 {
		return "", tok
	}
	return tok[:best], tok[best:]
}
