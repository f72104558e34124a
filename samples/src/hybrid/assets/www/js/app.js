// The app's own script: the two services it calls.
// Docs for the cart API: https://wiki.shop-internal.example/cart-api
var API = "https://api.shop-example.com/v1/cart";
var PUSH = "wss://push.shop-example.com:8443/socket";
function load() {
  /* retries follow https://tools.ietf.org/html/rfc7231#section-7.1.3 */
  return fetch(API).then(function (r) { return r.json(); });
}
