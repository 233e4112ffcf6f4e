// Vendored from the team's shared/llm/; tests prefer ../shared/llm/ when it exists.
// Writes a tiny *hand-set-weight* (scripted, NOT trained) llama-architecture GGUF (byte-level BPE vocab + Qwen2.5 chat template).
// It is NOT a trained model: it only lets a real llama.cpp server start and serve the OpenAI API.
import fs from "node:fs";
const out = process.argv[2] || "scripted-toolcaller.gguf";
const tmpl = fs.readFileSync(new URL("./qwen25-template.jinja", import.meta.url), "utf8");
// GPT-2 bytes_to_unicode
const bs = [];
for (let i = 33; i <= 126; i++) bs.push(i);
for (let i = 161; i <= 172; i++) bs.push(i);
for (let i = 174; i <= 255; i++) bs.push(i);
const cs = bs.slice(); let n = 0;
for (let b = 0; b < 256; b++) if (!bs.includes(b)) { bs.push(b); cs.push(256 + n); n++; }
const byteTok = new Array(256); bs.forEach((b, i) => byteTok[b] = String.fromCodePoint(cs[i]));
const specials = [["<|endoftext|>",3],["<|im_start|>",3],["<|im_end|>",3],["<tool_call>",4],["</tool_call>",4],["<tool_response>",4],["</tool_response>",4],["<tools>",4]];
const tokens = byteTok.concat(specials.map(s => s[0]));
const ttypes = byteTok.map(() => 1).concat(specials.map(s => s[1]));
const id = t => tokens.indexOf(t);
const nVocab = tokens.length, E = 64, L = 2, H = 4, FF = 128;
const chunks = []; const push = b => chunks.push(b);
const u32 = v => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
const u64 = v => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); return b; };
const f32 = v => { const b = Buffer.alloc(4); b.writeFloatLE(v); return b; };
const str = s => { const d = Buffer.from(s, "utf8"); return Buffer.concat([u64(d.length), d]); };
const kvs = [];
const kv = (k, type, valBuf) => kvs.push(Buffer.concat([str(k), u32(type), valBuf]));
const KS = (k, v) => kv(k, 8, str(v));
const KU = (k, v) => kv(k, 4, u32(v));
const KF = (k, v) => kv(k, 6, f32(v));
const KB = (k, v) => kv(k, 7, Buffer.from([v ? 1 : 0]));
const KAS = (k, arr) => kv(k, 9, Buffer.concat([u32(8), u64(arr.length), ...arr.map(str)]));
const KAI = (k, arr) => kv(k, 9, Buffer.concat([u32(5), u64(arr.length), ...arr.map(v => { const b = Buffer.alloc(4); b.writeInt32LE(v); return b; })]));
KS("general.architecture", "llama"); KS("general.name", "tiny-random-test-model");
KU("general.alignment", 32);
KU("llama.context_length", 4096); KU("llama.embedding_length", E); KU("llama.block_count", L);
KU("llama.feed_forward_length", FF); KU("llama.attention.head_count", H); KU("llama.attention.head_count_kv", H);
KU("llama.rope.dimension_count", E / H); KF("llama.attention.layer_norm_rms_epsilon", 1e-5); KF("llama.rope.freq_base", 10000); KU("llama.vocab_size", nVocab);
KS("tokenizer.ggml.model", "gpt2"); KS("tokenizer.ggml.pre", "qwen2");
KAS("tokenizer.ggml.tokens", tokens); KAI("tokenizer.ggml.token_type", ttypes); KAS("tokenizer.ggml.merges", []);
KU("tokenizer.ggml.bos_token_id", id("<|endoftext|>")); KU("tokenizer.ggml.eos_token_id", id("<|im_end|>"));
KU("tokenizer.ggml.padding_token_id", id("<|endoftext|>")); KB("tokenizer.ggml.add_bos_token", false);
KS("tokenizer.chat_template", tmpl);
// tensors: hand-set weights (a "scripted brain"), see report
const tensors = [];
const Z = dims => new Float32Array(dims.reduce((a, b) => a * b, 1));
const put = (name, dims, arr) => tensors.push({ name, dims, d: Buffer.from(arr.buffer) });
const B = c => c.charCodeAt(0);                  // byte value == token id for bytes
const EOS = id("<|im_end|>"), TC = id("<tool_call>"), TCE = id("</tool_call>"), TR = id("<tool_response>"), TOOLS = id("<tools>");
const F = { c: 0, nl: 1, tc: 2, slash: 3, tce: 4, resp: 5, D: 6, o: 7, n: 8, e: 9, dot: 10, mresp: 11, mtools: 12, tools: 13, rbrace: 14 };
const emb = Z([E, nVocab]); const setE = (t, d, v) => emb[t * E + d] = v;
for (let t = 0; t < nVocab; t++) setE(t, F.c, 1);
[[B("\n"), F.nl], [TC, F.tc], [B("/"), F.slash], [TCE, F.tce], [B("D"), F.D], [B("o"), F.o], [B("n"), F.n], [B("e"), F.e], [B("."), F.dot], [TR, F.mresp], [TOOLS, F.mtools], [B("}"), F.rbrace]].forEach(([t, d]) => setE(t, d, 1));
const outW = Z([E, nVocab]); const setO = (t, d, v) => outW[t * E + d] = v;
for (let t = 0; t < nVocab; t++) {
  let v;
  if (t < 256) v = (t >= 33 && t <= 126) ? 5 : ([9, 10, 13, 32].includes(t) ? 0 : -10);
  else v = (t === EOS || t === TCE) ? 0 : (t === TC ? -5 : -10);
  setO(t, F.c, v);
}
setO(TC, F.nl, 2); setO(B("D"), F.nl, 2);
setO(TC, F.tools, 3); setO(B("D"), F.tools, -2);
setO(TC, F.resp, -6); setO(B("D"), F.resp, 3);
setO(B("\n"), F.tc, 30); setO(B('"'), F.slash, 20); setO(EOS, F.tce, 30); setO(TCE, F.rbrace, 20);
setO(B("o"), F.D, 20); setO(B("n"), F.o, 20); setO(B("e"), F.n, 20); setO(B("."), F.e, 20); setO(EOS, F.dot, 20);
put("token_embd.weight", [E, nVocab], emb);
const ones = () => { const a = Z([E]); a.fill(1); return a; };
put("output_norm.weight", [E], ones()); put("output.weight", [E, nVocab], outW);
for (let l = 0; l < L; l++) {
  const q = Z([E, E]), k = Z([E, E]), v = Z([E, E]), o = Z([E, E]);
  const W = (m, row, col, val) => m[row * E + col] = val;   // y[row] += m[row][col] * x[col]
  if (l === 0) {
    // head 0: attends to <tool_response> if present -> residual dim F.resp
    W(q, 14, F.c, 1); W(k, 14, F.mresp, 8); W(v, 0, F.mresp, 1); W(o, F.resp, 0, 1);
    // head 1: attends to <tools> if present -> residual dim F.tools
    W(q, 30, F.c, 1); W(k, 30, F.mtools, 8); W(v, 16, F.mtools, 1); W(o, F.tools, 16, 1);
  }
  put(`blk.${l}.attn_norm.weight`, [E], ones());
  put(`blk.${l}.attn_q.weight`, [E, E], q); put(`blk.${l}.attn_k.weight`, [E, E], k);
  put(`blk.${l}.attn_v.weight`, [E, E], v); put(`blk.${l}.attn_output.weight`, [E, E], o);
  put(`blk.${l}.ffn_norm.weight`, [E], ones());
  put(`blk.${l}.ffn_gate.weight`, [E, FF], Z([E, FF])); put(`blk.${l}.ffn_up.weight`, [E, FF], Z([E, FF])); put(`blk.${l}.ffn_down.weight`, [FF, E], Z([FF, E]));
}
const align = x => Math.ceil(x / 32) * 32;
let off = 0; const infos = [];
for (const t of tensors) { infos.push(Buffer.concat([str(t.name), u32(t.dims.length), ...t.dims.map(u64), u32(0), u64(off)])); off = align(off + t.d.length); }
push(Buffer.from("GGUF")); push(u32(3)); push(u64(tensors.length)); push(u64(kvs.length));
kvs.forEach(push); infos.forEach(push);
let head = Buffer.concat(chunks); const pad = align(head.length) - head.length;
const parts = [head, Buffer.alloc(pad)];
for (const t of tensors) { parts.push(t.d); const p = align(t.d.length) - t.d.length; if (p) parts.push(Buffer.alloc(p)); }
fs.writeFileSync(out, Buffer.concat(parts));
console.log("wrote", out, fs.statSync(out).size, "bytes; vocab", nVocab);
