// Package hub is the attack harness's loopback servers for one scenario:
// plain HTTP, or the HTTPS set (main and mirror under the test CA the
// client is given, plain HTTP for downgrade redirects, an impostor under
// another CA), all serving the scenario's current plan.State and
// misbehaving where it says (redirects, endless streams, slow drips). It
// records the paths a client asked for that the state does not serve.
//
// Each scenario has its own Hub, so scenarios can run at once.
package hub
