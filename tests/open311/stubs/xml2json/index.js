// Stand-in: open311's JSON mode never converts XML; reaching this is a test failure.
'use strict';
function refuse() {
  throw new Error('xml2json stand-in called: the JSON-mode client must not parse XML');
}
module.exports = { toJson: refuse, toXml: refuse };
