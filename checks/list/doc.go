// Package list names every check craudit runs, as one plain literal list:
// adding a check is one line here, and nothing registers itself at init.
package list
