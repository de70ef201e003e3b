// Stand-in: open311's JSON mode never parses XML; reaching this is a test failure.
'use strict';
function refuse() {
  throw new Error('sparkxml stand-in called: the JSON-mode client must not parse XML');
}
module.exports = new Proxy(refuse, { get: () => refuse, apply: refuse });
