// Package charts lays out the dossier's pictures (check status per ENISA
// step, vulnerabilities by severity and VEX status, the support-period
// timeline per batch) as a list of plain shapes in an abstract coordinate
// box. The HTML renderer writes the shapes as inline SVG, the PDF renderer
// draws the same shapes, so both formats show the same picture.
package charts
