#!/usr/bin/env python3
# Writes the two generated methods at the end of Hash_DRBG/Sha256.cs (PrecomputeHashgen, HashgenWords): SHA-256
# (FIPS 180-4 §6.2.2) for Hash_DRBG's Hashgen blocks, whose message words 0-12 are fixed per request, word 13 counts,
# word 14 is 0 and word 15 is 440. Every term that depends on fixed words only is summed once per request into
# _hashgen; the rest is unrolled with the variables' roles rotating, as in RoundsHead/RoundsTail.
#   python3 tools/gen_hashgen.py > /tmp/hashgen.cs   (then replace the methods after the "Generated" comment)
K = [0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2]
IV = [0x6a09e667,0xbb67ae85,0x3c6ef372,0xa54ff53a,0x510e527f,0x9b05688c,0x1f83d9ab,0x5be0cd19]
def rot(x,n): return f"(({x} >> {n}) | ({x} << {32-n}))"
def S1(x): return f"({rot(x,6)} ^ {rot(x,11)} ^ {rot(x,25)})"
def S0(x): return f"({rot(x,2)} ^ {rot(x,13)} ^ {rot(x,22)})"
def s0(x): return f"({rot(x,7)} ^ {rot(x,18)} ^ ({x} >> 3))"
def s1(x): return f"({rot(x,17)} ^ {rot(x,19)} ^ ({x} >> 10))"
def Ch(e,f,g): return f"({g} ^ ({e} & ({f} ^ {g})))"
def Maj(a,b,c): return f"(({a} & {b}) | ({c} & ({a} | {b})))"
def hexu(v): return f"0x{v:08x}"
V = "abcdefgh"
# schedule constness: w0..w12 const (per midstate), w13 variable, w14 = 0, w15 = 440
const = {t: True for t in range(16)}; const[13] = False
for t in range(16, 64):
    const[t] = all(const[s] for s in (t-2, t-7, t-15, t-16))
pre = []   # lines of the precompute method
tail = []  # lines of the tail
slots = {}  # P index -> description
def P(expr_lines_name, expr):
    i = len(slots); slots[i] = expr_lines_name
    pre.append(f"            p[{i}] = {expr};")
    return f"p[{i}]"
# in the precompute method: names w0..w15 hold const words (w13 unused), cw16.. const words
def cw(t):
    if t == 14: return "0u"
    if t == 15: return "0x000001b8u"
    return f"w{t}" if t < 16 else f"c{t}"
for t in range(16, 64):
    if const[t]:
        pre.append(f"            uint c{t} = {s1(cw(t-2))} + {cw(t-7)} + {s0(cw(t-15))} + {cw(t-16)};")
# tail schedule for variable words
def term_parts(t):
    terms = [("s1", t-2), ("w", t-7), ("s0", t-15), ("w", t-16)]
    c, v = [], []
    for kind, s in terms:
        if s == 14 and kind == "s0": continue  # s0(0) = 0
        if s == 14 and kind == "w": continue   # + 0
        (c if const[s] else v).append((kind, s))
    return c, v
def rt_name(t): return f"w{t % 16}"   # runtime slot
def expr_of(kind, s, where):
    name = (cw(s) if where == "pre" else rt_name(s))
    return {"s1": s1(name), "s0": s0(name), "w": name}[kind]
sched = {}
for t in range(16, 64):
    if const[t]: continue
    c, v = term_parts(t)
    parts = [expr_of(k, s, "rt") for k, s in v]
    if c:
        parts.append(P(f"w{t} const part", " + ".join(expr_of(k, s, "pre") for k, s in c)))
    sched[t] = f"            {rt_name(t)} = {' + '.join(parts)};"
# rounds 13..63; constness of variables: all mid-const at round 13
vconst = {x: True for x in V}
tail_lines = []
for r in range(13, 64):
    sh = r % 8
    role = {V[i]: V[(i - sh) % 8] for i in range(8)}  # role letter -> variable
    a,b,c,d,e,f,g,h = (role[x] for x in V)
    if r >= 16 and r in sched:
        tail_lines.append(sched[r])
    # T1 = h + S1(e) + Ch(e,f,g) + K + w
    cparts, vparts = [], []
    (cparts if vconst[h] else vparts).append(h)
    if vconst[e]:
        cparts.append(S1(e))
        if vconst[f] and vconst[g]: cparts.append(Ch(e,f,g))
        else: vparts.append(Ch(e,f,g))
    else:
        vparts.append(S1(e)); vparts.append(Ch(e,f,g))
    cparts.append(hexu(K[r]))
    wconst = const[r] if r != 13 else False
    if r >= 16 and wconst: cparts.append(f"c{r}")
    elif r in (14,): pass          # w14 = 0
    elif r == 15: cparts.append("0x000001b8u")
    else: vparts.append(rt_name(r) if r >= 16 else "w13")
    # the const sum: a P slot when it has more than the K literal
    if len(cparts) == 1:
        t1 = vparts + [cparts[0]]
    else:
        t1 = vparts + [P(f"round {r} T1 constant part", " + ".join(cparts))]
    tail_lines.append(f"            t = {' + '.join(t1)};")
    tail_lines.append(f"            {d} += t;")
    if vconst[a] and vconst[b] and vconst[c]:
        tail_lines.append(f"            {h} = t + {P(f'round {r} T2', S0(a) + ' + ' + Maj(a,b,c))};")
    else:
        tail_lines.append(f"            {h} = t + {S0(a)} + {Maj(a,b,c)};")
    vconst[d] = False; vconst[h] = False
import re
used = sorted(set(re.findall(r"\bw(\d+)\b", "\n".join(tail_lines))), key=int)
NS = len(slots)
out = []
out.append(f"        private void PrecomputeHashgen()")
out.append("        {")
out.append("            uint[] words = _words;")
out.append("            uint[] mid = _midstate;")
out.append("            uint[] p = _hashgen;")
for i in range(13):
    if re.search(rf"\bw{i}\b", "\n".join(pre)):
        out.append(f"            uint w{i} = words[{i}];")
out.append("            uint a = mid[0], b = mid[1], c = mid[2], d = mid[3];")
out.append("            uint e = mid[4], f = mid[5], g = mid[6], h = mid[7];")
out += pre
for i,x in enumerate(V):
    out.append(f"            p[{NS+i}] = {x};")
out.append("        }")
out.append("")
out.append("        private void HashgenWords(uint w13, byte[] output, int offset)")
out.append("        {")
out.append("            uint[] p = _hashgen;")
out.append(f"            uint a = p[{NS}], b = p[{NS+1}], c = p[{NS+2}], d = p[{NS+3}];")
out.append(f"            uint e = p[{NS+4}], f = p[{NS+5}], g = p[{NS+6}], h = p[{NS+7}];")
decl = [f"w{u}" for u in used if u != "13"]
out.append("            uint t, " + ", ".join(decl) + ";")
out += tail_lines
for i,x in enumerate(V):
    out.append(f"            t = {x} + {hexu(IV[i])};")
    o = "offset" if i == 0 else f"offset + {4*i}"
    out.append(f"            output[{o}] = (byte)(t >> 24);")
    out.append(f"            output[offset + {4*i+1}] = (byte)(t >> 16);")
    out.append(f"            output[offset + {4*i+2}] = (byte)(t >> 8);")
    out.append(f"            output[offset + {4*i+3}] = (byte)t;")
out.append("        }")
assert NS + 8 == 37, "HashgenConstants in Sha256.cs"
print("\n".join(out))
