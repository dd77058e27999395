// Command full is the weak Primaries' control group: the same small
// Primary with every control on, which must pass every Uptane scenario.
package main
