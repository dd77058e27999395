// Command nocounter is an Uptane Primary that ignores release counters:
// neither the Director's and the Image repository's counters are compared
// nor is a lower counter than the installed one refused (Uptane Standard
// 2.1, 5.4.4.2 step 10.2).
package main
