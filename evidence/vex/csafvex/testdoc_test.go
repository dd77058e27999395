package csafvex

// minimalVEX is a small valid csaf_vex document: one product in a branch,
// a component of it by relationship, one vulnerability with all four
// statuses' rules exercised (known_not_affected with flag and impact,
// known_affected with a remediation).
const minimalVEX = `{
  "document": {
    "category": "csaf_vex",
    "csaf_version": "2.0",
    "publisher": {"category": "vendor", "name": "Example GmbH", "namespace": "https://example.com"},
    "title": "Example VEX",
    "tracking": {
      "current_release_date": "2026-01-01T00:00:00Z",
      "id": "EX-VEX-1",
      "initial_release_date": "2026-01-01T00:00:00Z",
      "revision_history": [{"date": "2026-01-01T00:00:00Z", "number": "1", "summary": "Initial."}],
      "status": "final",
      "version": "1"
    }
  },
  "product_tree": {
    "branches": [{"category": "vendor", "name": "Example GmbH", "branches": [{"category": "product_name", "name": "Box", "branches": [
      {"category": "product_version", "name": "2.0", "product": {"name": "Box 2.0", "product_id": "box-2.0",
        "product_identification_helper": {"purl": "pkg:generic/box@2.0"}}}]}]}],
    "full_product_names": [{"name": "zlib 1.3", "product_id": "zlib-1.3", "product_identification_helper": {"purl": "pkg:apk/alpine/zlib@1.3"}},
      {"name": "curl 8.0", "product_id": "curl-8.0", "product_identification_helper": {"purl": "pkg:apk/alpine/curl@8.0"}}],
    "relationships": [
      {"category": "default_component_of", "full_product_name": {"name": "zlib 1.3 in Box 2.0", "product_id": "box-2.0:zlib-1.3"},
       "product_reference": "zlib-1.3", "relates_to_product_reference": "box-2.0"},
      {"category": "default_component_of", "full_product_name": {"name": "curl 8.0 in Box 2.0", "product_id": "box-2.0:curl-8.0"},
       "product_reference": "curl-8.0", "relates_to_product_reference": "box-2.0"}]
  },
  "vulnerabilities": [
    {"cve": "CVE-2026-0001", "ids": [{"system_name": "OSV", "text": "ALPINE-CVE-2026-0001"}],
     "product_status": {"known_not_affected": ["box-2.0:zlib-1.3"], "known_affected": ["box-2.0:curl-8.0"]},
     "flags": [{"label": "vulnerable_code_not_in_execute_path", "product_ids": ["box-2.0:zlib-1.3"]}],
     "threats": [{"category": "impact", "details": "Box never inflates untrusted data.", "product_ids": ["box-2.0:zlib-1.3"]}],
     "remediations": [{"category": "none_available", "details": "Wait for Box 2.1.", "product_ids": ["box-2.0:curl-8.0"]}]}
  ]
}`
