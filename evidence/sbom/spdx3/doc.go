// Package spdx3 reads SPDX 3.0 JSON-LD documents: the flat @graph of
// elements linked by spdxId is resolved into packages and files with
// their agents, licences (concluded and declared), deployable forms
// (hasDistributionArtifact), sources, dependencies and completeness, as
// far as BSI TR-03183-2's mapping (section 8.2) and craudit need.
// evidence/sbom turns the result into its format-neutral model.
package spdx3
