// Independent check of Outpost's history proofs with Go's golang.org/x/mod
// sumdb/note (signed notes, Ed25519) and sumdb/tlog (RFC 6962/9162 trees):
//
//	crosscheck VERIFIER_KEY BUNDLE.json [CONSISTENCY.json ...]
//
// For the bundle: the checkpoint note's signature, then for every history
// entry its leaf hash, recomputed here from the entry's fields (canonical
// JSON: keys sorted, compact), and its inclusion proof against the signed
// root. For each consistency file ({from, to, from_root, proof}): the proof
// that the tree of `from` entries is a prefix of the signed tree.
// Exit status 0 when everything verifies; otherwise the first failure.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "crosscheck: "+format+"\n", args...)
	os.Exit(1)
}

func hashOf(b64 string) tlog.Hash {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != tlog.HashSize {
		fail("bad hash %q", b64)
	}
	var h tlog.Hash
	copy(h[:], raw)
	return h
}

func hashes(list []interface{}) []tlog.Hash {
	out := make([]tlog.Hash, 0, len(list))
	for _, v := range list {
		out = append(out, hashOf(v.(string)))
	}
	return out
}

// Compact JSON with keys sorted (encoding/json sorts map keys), no HTML escaping.
func canonical(v interface{}) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		fail("canonical: %v", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

func readJSON(path string) map[string]interface{} {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc map[string]interface{}
	if err := dec.Decode(&doc); err != nil {
		fail("%s: %v", path, err)
	}
	return doc
}

func number(v interface{}) int64 {
	n, err := v.(json.Number).Int64()
	if err != nil {
		fail("not an integer: %v", v)
	}
	return n
}

func main() {
	if len(os.Args) < 3 {
		fail("usage: crosscheck VERIFIER_KEY BUNDLE.json [CONSISTENCY.json ...]")
	}
	verifier, err := note.NewVerifier(os.Args[1])
	if err != nil {
		fail("verifier key: %v", err)
	}
	bundle := readJSON(os.Args[2])
	n, err := note.Open([]byte(bundle["checkpoint"].(string)), note.VerifierList(verifier))
	if err != nil {
		fail("checkpoint signature: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != verifier.Name() {
		fail("checkpoint: unexpected text %q", n.Text)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("checkpoint size: %v", err)
	}
	root := hashOf(lines[2])
	entries := 0
	for _, c := range bundle["cases"].([]interface{}) {
		for _, e := range c.(map[string]interface{})["history"].([]interface{}) {
			entry := e.(map[string]interface{})
			leafIndex := number(entry["leaf_index"])
			proof := hashes(entry["inclusion_proof"].([]interface{}))
			fields := map[string]interface{}{}
			for _, k := range []string{"actor", "at", "case_id", "data", "event", "from_state", "seq", "to_state"} {
				fields[k] = entry[k]
			}
			leaf := tlog.RecordHash(canonical(fields))
			if err := tlog.CheckRecord(proof, size, root, leafIndex, leaf); err != nil {
				fail("case %v seq %v (leaf %d): %v", entry["case_id"], entry["seq"], leafIndex, err)
			}
			entries++
		}
	}
	for _, path := range os.Args[3:] {
		c := readJSON(path)
		from, to := number(c["from"]), number(c["to"])
		if to != size {
			fail("%s: proof to %d, the checkpoint has %d", path, to, size)
		}
		if err := tlog.CheckTree(hashes(c["proof"].([]interface{})), size, root, from, hashOf(c["from_root"].(string))); err != nil {
			fail("%s: consistency %d -> %d: %v", path, from, to, err)
		}
	}
	fmt.Printf("crosscheck: signature ok; %d entries proven in the tree of %d; %d consistency proofs ok\n",
		entries, size, len(os.Args)-3)
}
