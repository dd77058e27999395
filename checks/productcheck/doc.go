// Package productcheck judges the product information in product.yaml that
// the CRA asks manufacturers to fix and publish: the support period per unit
// or batch (Article 13(8) and (19), Annex II point 7), the vulnerability
// contact and CVD policy (Annex I Part II (5) and (6), Annex II point 2), the
// user information of Annex II, where the EU declaration of conformity is,
// and the update delivery model.
//
// The checks judge what product.yaml states; they do not fetch the URLs it
// names (a dossier reviewer follows them).
package productcheck
