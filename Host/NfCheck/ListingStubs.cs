using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Qrng.NfCheck
{
    /// <summary>
    /// A reference assembly generated from the API listing (../shared/nanoframework/api-1.x.txt) for the packages
    /// that are not available here (hardware, streams, text, test framework): namespaces, types, members with
    /// <c>throw null;</c> bodies, enum values, operators. The listing's mscorlib section is not stubbed (the real
    /// mscorlib is referenced), and neither is any listed type the real mscorlib already defines (SpanByte).
    /// One combined stub assembly: a type check, not a packaging check (NF012 checks each project's packages).
    /// </summary>
    public sealed class ListingStubs
    {
        private static readonly Regex Header = new(@"^((?:(?:static|abstract|sealed)\s+)*)(class|struct|enum|interface|delegate)\s+([\w.]+)(<[^>]*>)?(?:\s*:\s*([\w.]+))?\s*$", RegexOptions.Compiled);
        private static readonly Regex EnumMember = new(@"^(@?\w+)(?:\s*=\s*(-?(?:0x[0-9A-Fa-f]+|\d+)))?$", RegexOptions.Compiled);
        private static readonly Regex Field = new(@"^([\w.]+(?:\[\])*)\s+(@?\w+)$", RegexOptions.Compiled);
        private static readonly HashSet<string> MemberModifiers = ["static", "virtual", "override", "abstract", "const", "readonly", "sealed", "new", "extern", "protected", "public"];

        private static readonly Dictionary<string, ListingStubs> Cache = new(StringComparer.Ordinal);

        private sealed class StubType
        {
            public string Assembly;
            public string Kind;
            public string Modifiers;
            public string FullName;
            public string Base;
            public bool Generic;
            public StubType Parent;
            public readonly List<string> Members = [];
            public readonly List<StubType> Nested = [];

            public string Name => FullName[(FullName.LastIndexOf('.') + 1)..];
        }

        private ListingStubs()
        {
        }

        /// <summary>The stub assembly, or null when it could not be built (see <see cref="Error"/>).</summary>
        public MetadataReference Image { get; private set; }

        public string Error { get; private set; }

        /// <summary>The listing's assemblies (mscorlib excluded): what a missing package must map to.</summary>
        public HashSet<string> Assemblies { get; } = new(StringComparer.Ordinal);

        public int TypeCount { get; private set; }

        public List<string> SkippedInMscorlib { get; } = [];

        /// <summary>Listing lines that could not be turned into a stub member (skipped).</summary>
        public List<string> Unparsed { get; } = [];

        /// <summary>Generated members (or types) that did not compile and were dropped, with the compiler's reason.</summary>
        public List<string> Dropped { get; } = [];

        public string Source { get; private set; }

        /// <summary>Builds (once per listing and mscorlib) the stub assembly.</summary>
        public static ListingStubs Get(string listing, string mscorlib)
        {
            var info = new FileInfo(listing);
            string key = $"{info.FullName}|{info.LastWriteTimeUtc.Ticks}|{info.Length}|{mscorlib}";
            lock (Cache)
            {
                if (!Cache.TryGetValue(key, out ListingStubs stubs))
                {
                    Cache[key] = stubs = Build(File.ReadAllLines(listing), MetadataReference.CreateFromFile(mscorlib));
                }

                return stubs;
            }
        }

        public static ListingStubs Build(IEnumerable<string> lines, MetadataReference mscorlib)
        {
            var stubs = new ListingStubs();
            try
            {
                stubs.Generate(lines, mscorlib);
            }
            catch (Exception e)
            {
                stubs.Image = null;
                stubs.Error = e.GetType().Name + ": " + e.Message;
            }

            return stubs;
        }

        private void Generate(IEnumerable<string> lines, MetadataReference mscorlib)
        {
            // Pass 1: the types and their raw member lines.
            var types = new List<StubType>();
            var allNamespaces = new SortedSet<string>(StringComparer.Ordinal);
            string assembly = null;
            StubType current = null;
            foreach (string raw in lines)
            {
                string line = raw.TrimEnd();
                if (line.StartsWith("# assembly ", StringComparison.Ordinal))
                {
                    assembly = line["# assembly ".Length..].Trim();
                    current = null;
                    if (assembly != "mscorlib")
                    {
                        Assemblies.Add(assembly);
                    }

                    continue;
                }

                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                if (line[0] != ' ')
                {
                    Match m = Header.Match(line);
                    current = null;
                    if (!m.Success || assembly == null)
                    {
                        Unparsed.Add(line);
                        continue;
                    }

                    current = new StubType
                    {
                        Assembly = assembly,
                        Modifiers = m.Groups[1].Value.Trim(),
                        Kind = m.Groups[2].Value,
                        FullName = m.Groups[3].Value,
                        Generic = m.Groups[4].Success,
                        Base = m.Groups[5].Success ? m.Groups[5].Value : null,
                    };
                    types.Add(current);
                    continue;
                }

                if (current == null)
                {
                    Unparsed.Add(line.Trim());
                    continue;
                }

                current.Members.Add(line.Trim());
            }

            var byName = new Dictionary<string, StubType>(StringComparer.Ordinal);
            foreach (StubType t in types)
            {
                byName.TryAdd(t.FullName, t);
            }

            foreach (StubType t in types)
            {
                int dot = t.FullName.LastIndexOf('.');
                if (dot > 0 && byName.TryGetValue(t.FullName[..dot], out StubType parent) && parent != t)
                {
                    t.Parent = parent;
                }

                string ns = Namespace(t, byName);
                if (ns.Length > 0)
                {
                    allNamespaces.Add(ns);
                }
            }

            // The listing prints a nested enum in the middle of its parent's members: the parent's remaining members
            // end up under the enum. Hand lines that are no enum member back to the parent.
            foreach (StubType t in types.Where(t => t.Kind == "enum" && t.Parent != null))
            {
                var foreign = t.Members.Where(l => !EnumMember.IsMatch(l)).ToList();
                t.Members.RemoveAll(foreign.Contains);
                t.Parent.Members.AddRange(foreign);
            }

            // Skip mscorlib's section and whatever the real mscorlib already defines.
            var corlib = CSharpCompilation.Create("probe", references: [mscorlib]);
            var stubbed = new List<StubType>();
            foreach (StubType t in types.Where(t => t.Assembly != "mscorlib"))
            {
                if (t.Generic)
                {
                    Unparsed.Add($"{t.Kind} {t.FullName}<...> (generic type)");
                    continue;
                }

                if (corlib.GetTypeByMetadataName(MetadataName(t)) != null)
                {
                    SkippedInMscorlib.Add(t.FullName);
                    continue;
                }

                if (t.Parent != null && (t.Parent.Assembly == "mscorlib" || t.Parent.Generic || SkippedInMscorlib.Contains(t.Parent.FullName)))
                {
                    Unparsed.Add($"{t.Kind} {t.FullName} (nested in a type that is not stubbed)");
                    continue;
                }

                stubbed.Add(t);
            }

            foreach (StubType t in stubbed.Where(t => t.Parent != null))
            {
                t.Parent.Nested.Add(t);
            }

            bool attributeUsage = corlib.GetTypeByMetadataName("System.AttributeUsageAttribute") != null && corlib.GetTypeByMetadataName("System.AttributeTargets") != null;
            var sb = new StringBuilder();
            sb.AppendLine("// Generated by nfcheck from the nanoFramework API listing: reference stubs, never run.");
            sb.AppendLine("#pragma warning disable");
            foreach (string ns in allNamespaces)
            {
                sb.Append("using ").Append(ns).AppendLine(";");
            }

            foreach (var group in stubbed.Where(t => t.Parent == null).GroupBy(t => Namespace(t, byName)).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                sb.Append("namespace ").Append(group.Key).AppendLine();
                sb.AppendLine("{");
                foreach (StubType t in group)
                {
                    Emit(t, sb, "    ", attributeUsage);
                }

                sb.AppendLine("}");
            }

            TypeCount = stubbed.Count;
            Source = sb.ToString();
            CompileDroppingBrokenMembers(mscorlib);
        }

        private void CompileDroppingBrokenMembers(MetadataReference mscorlib)
        {
            SyntaxTree tree = SubsetChecker.Parse(Source, "<listing stubs>");
            for (int round = 0; ; round++)
            {
                var compilation = CSharpCompilation.Create("nanoFramework.ListingStubs", [tree], [mscorlib], new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
                using var image = new MemoryStream();
                var result = compilation.Emit(image);
                if (result.Success)
                {
                    Image = MetadataReference.CreateFromImage(image.ToArray());
                    Source = tree.GetText().ToString();
                    return;
                }

                var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree == tree).ToList();
                SyntaxNode root = tree.GetRoot();
                var broken = new HashSet<SyntaxNode>();
                foreach (Diagnostic d in errors)
                {
                    SyntaxNode node = root.FindNode(d.Location.SourceSpan);
                    SyntaxNode member = node.AncestorsAndSelf().FirstOrDefault(n => n is MemberDeclarationSyntax and not BaseNamespaceDeclarationSyntax);
                    if (member != null && broken.Add(member))
                    {
                        string what = member is BaseTypeDeclarationSyntax bt ? "type " + bt.Identifier.Text : member.ToString().Split('{')[0].Trim();
                        Dropped.Add($"{what} ({d.Id} {d.GetMessage()})");
                    }
                }

                // Drop outermost broken nodes only (a broken type takes its members along).
                var outermost = broken.Where(n => !n.Ancestors().Any(broken.Contains)).ToList();
                if (round >= 8 || outermost.Count == 0)
                {
                    Error = $"the stub assembly does not compile: {string.Join("; ", errors.Take(3).Select(e => e.ToString()))}";
                    Source = tree.GetText().ToString();
                    return;
                }

                tree = tree.WithRootAndOptions(root.RemoveNodes(outermost, SyntaxRemoveOptions.KeepNoTrivia), tree.Options);
            }
        }

        private static string Namespace(StubType t, Dictionary<string, StubType> byName)
        {
            StubType top = t;
            while (top.Parent != null)
            {
                top = top.Parent;
            }

            int dot = top.FullName.LastIndexOf('.');
            return dot < 0 ? "System" : top.FullName[..dot];
        }

        private static string MetadataName(StubType t) => t.Parent == null ? t.FullName : MetadataName(t.Parent) + "+" + t.Name;

        private void Emit(StubType t, StringBuilder sb, string indent, bool attributeUsage)
        {
            string name = Escape(t.Name);
            if (t.Kind == "delegate")
            {
                string invoke = t.Members.FirstOrDefault(m => Regex.IsMatch(m, @"^(?:virtual\s+)?[\w.\[\]]+\s+Invoke\("));
                if (invoke == null)
                {
                    Unparsed.Add($"delegate {t.FullName} (no Invoke signature)");
                    return;
                }

                string sig = Regex.Replace(invoke, @"^virtual\s+", "");
                int open = sig.IndexOf('(');
                string ret = sig[..sig.LastIndexOf(' ', open)].Trim();
                sb.Append(indent).Append($"public delegate {ret} {name}{FixParameters(sig[open..])};").AppendLine();
                return;
            }

            if (t.Kind == "enum")
            {
                var values = new List<string>();
                long min = 0, max = 0;
                foreach (string m in t.Members)
                {
                    Match e = EnumMember.Match(m);
                    if (!e.Success)
                    {
                        Unparsed.Add($"{t.FullName}: {m}");
                        continue;
                    }

                    values.Add(e.Groups[2].Success ? $"{e.Groups[1].Value} = {e.Groups[2].Value}" : e.Groups[1].Value);
                    if (e.Groups[2].Success && !e.Groups[2].Value.Contains('x') && long.TryParse(e.Groups[2].Value, out long v))
                    {
                        min = Math.Min(min, v);
                        max = Math.Max(max, v);
                    }
                }

                string underlying = min >= int.MinValue && max <= int.MaxValue ? "" : min >= 0 && max <= uint.MaxValue ? " : uint" : " : long";
                sb.Append(indent).Append($"public enum {name}{underlying} {{ {string.Join(", ", values)} }}").AppendLine();
                return;
            }

            bool isInterface = t.Kind == "interface", isStruct = t.Kind == "struct", isClass = t.Kind == "class";
            var members = new List<string>();
            bool hasAbstract = false, hasParameterlessCtor = false, hasCtor = false, hasDispose = false;
            foreach (string line in t.Members)
            {
                string decl = Member(t, line, isInterface, isStruct, ref hasAbstract, ref hasCtor, ref hasParameterlessCtor, ref hasDispose);
                if (decl == null)
                {
                    continue;
                }

                if (decl.Length == 0 || SyntaxFactory.ParseMemberDeclaration(decl) is not { } parsed || parsed.ContainsDiagnostics || parsed.FullSpan.Length != decl.Length)
                {
                    Unparsed.Add($"{t.FullName}: {line}");
                    continue;
                }

                members.Add(decl);
            }

            string modifiers = t.Modifiers;
            if (isClass && hasAbstract && !modifiers.Contains("abstract") && !modifiers.Contains("static"))
            {
                modifiers = (modifiers + " abstract").Trim();
            }

            var bases = new List<string>();
            if (t.Base != null && isClass && t.Base != "System.Object")
            {
                bases.Add("global::" + t.Base);
            }
            else if (t.Base != null && isInterface)
            {
                bases.Add("global::" + t.Base);
            }

            if (hasDispose && !isInterface && !modifiers.Contains("static"))
            {
                bases.Add("global::System.IDisposable");
            }

            // Lenient on attribute usage: the listing does not say AllowMultiple, the tests repeat [DataRow].
            if (attributeUsage && isClass && t.Base != null && t.Base.EndsWith("Attribute", StringComparison.Ordinal))
            {
                sb.Append(indent).AppendLine("[global::System.AttributeUsage(global::System.AttributeTargets.All, AllowMultiple = true)]");
            }

            sb.Append(indent).Append("public ").Append(modifiers.Length > 0 ? modifiers + " " : "").Append(isStruct ? "struct" : isInterface ? "interface" : "class").Append(' ').Append(name);
            if (bases.Count > 0)
            {
                sb.Append(" : ").Append(string.Join(", ", bases));
            }

            sb.AppendLine();
            sb.Append(indent).AppendLine("{");
            string inner = indent + "    ";

            // A class lists no constructor when it has no public one; a derived stub still needs one to chain to.
            if (isClass && !modifiers.Contains("static") && !hasParameterlessCtor)
            {
                sb.Append(inner).Append("internal ").Append(name).AppendLine("() { }");
            }

            foreach (string m in members)
            {
                sb.Append(inner).AppendLine(m);
            }

            foreach (StubType n in t.Nested)
            {
                Emit(n, sb, inner, attributeUsage);
            }

            sb.Append(indent).AppendLine("}");
        }

        /// <summary>One listing member line as a C# declaration; null to leave it out on purpose, "" when it cannot be read.</summary>
        private string Member(StubType t, string line, bool isInterface, bool isStruct, ref bool hasAbstract, ref bool hasCtor, ref bool hasParameterlessCtor, ref bool hasDispose)
        {
            var mods = new List<string>();
            string rest = line;
            while (true)
            {
                int space = rest.IndexOf(' ');
                if (space < 0 || !MemberModifiers.Contains(rest[..space]))
                {
                    break;
                }

                mods.Add(rest[..space]);
                rest = rest[(space + 1)..].TrimStart();
            }

            mods.Remove("public");
            bool isStatic = mods.Contains("static"), isConst = mods.Contains("const");
            if (mods.Remove("protected"))
            {
                mods.Insert(0, "protected");
            }

            if (isInterface)
            {
                if (isStatic || isConst)
                {
                    return ""; // static interface members need runtime support nanoFramework does not have
                }

                mods.RemoveAll(m => m is "virtual" or "abstract" or "override" or "sealed" or "new");
            }
            else if (isStruct)
            {
                mods.RemoveAll(m => m is "virtual" or "abstract" or "sealed" or "new");
            }

            bool isAbstract = mods.Remove("abstract");
            if (isAbstract)
            {
                // Abstract members become virtual ones (the class still turns abstract): listing subclasses need not
                // list every override.
                hasAbstract = true;
                if (!mods.Contains("virtual") && !mods.Contains("override"))
                {
                    mods.Add("virtual");
                }
            }

            string access = isInterface ? "" : mods.Contains("protected") ? "" : "public ";
            string prefix = access + string.Join("", mods.Select(m => m + " "));

            int paren = rest.IndexOf('('), brace = rest.IndexOf('{');
            if (Regex.IsMatch(rest, @"\boperator\b"))
            {
                return $"public static {rest} {{ throw null; }}";
            }

            if (rest.StartsWith(t.Name + "(", StringComparison.Ordinal))
            {
                if (isStatic || isInterface)
                {
                    return null;
                }

                string parameters = FixParameters(rest[t.Name.Length..]);
                hasCtor = true;
                hasParameterlessCtor |= parameters == "()";

                if (isStruct && parameters == "()")
                {
                    return null; // structs have it anyway
                }

                return $"{access}{Escape(t.Name)}{parameters} {{ }}";
            }

            if (paren > 0 && (brace < 0 || paren < brace))
            {
                string head = rest[..paren].Trim();
                string memberName = head[(head.LastIndexOf(' ') + 1)..];
                if (memberName == "Finalize")
                {
                    return null; // a destructor in C#; cannot be declared as a method
                }

                if (memberName == "Dispose" && rest.EndsWith("()", StringComparison.Ordinal) && !isStatic)
                {
                    hasDispose = true;
                }

                string sig = head + FixParameters(rest[paren..]);
                return isInterface ? $"{sig};" : $"{prefix}{sig} {{ throw null; }}";
            }

            if (brace > 0)
            {
                string head = rest[..brace].Trim();
                string body = rest[brace..].Trim().TrimStart('{').TrimEnd('}');
                var accessors = body.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(a => Regex.Replace(a, @"^readonly\s+", ""))
                    .ToList();
                if (accessors.Count == 0 || accessors.Any(a => !Regex.IsMatch(a, @"^(?:(?:private|protected|internal)\s+)?(get|set|init)$")))
                {
                    return "";
                }

                // Non-public accessors are not part of the API.
                accessors = accessors.Where(a => a is "get" or "set" or "init").Select(a => a == "init" ? "set" : a).ToList();
                if (accessors.Count == 0)
                {
                    return null;
                }

                string accessorText = isInterface
                    ? string.Join(" ", accessors.Select(a => a + ";"))
                    : string.Join(" ", accessors.Select(a => a == "get" ? "get { throw null; }" : "set { }"));
                if (head.Contains("this["))
                {
                    int open = head.IndexOf('[');
                    head = head[..open] + FixParameters("(" + head[(open + 1)..head.LastIndexOf(']')] + ")").Replace('(', '[').Replace(')', ']');
                }

                return $"{prefix}{head} {{ {accessorText} }}";
            }

            if (isConst && rest.Contains('='))
            {
                return $"{prefix}{rest};";
            }

            if (Field.IsMatch(rest))
            {
                return isInterface ? "" : $"{prefix}{rest};";
            }

            return "";
        }

        /// <summary>"(Mode m = Normal, int x = 1)" -> "(Mode m = Mode.Normal, int x = 1)": the listing drops the enum type of defaults.</summary>
        private static string FixParameters(string list)
        {
            string inner = list.Trim();
            if (!inner.StartsWith('(') || !inner.EndsWith(')'))
            {
                return list;
            }

            inner = inner[1..^1];
            var parts = new List<string>();
            var cur = new StringBuilder();
            bool quoted = false;
            foreach (char c in inner)
            {
                if (c == '"')
                {
                    quoted = !quoted;
                }

                if (c == ',' && !quoted)
                {
                    parts.Add(cur.ToString());
                    cur.Clear();
                    continue;
                }

                cur.Append(c);
            }

            if (cur.Length > 0 || parts.Count > 0)
            {
                parts.Add(cur.ToString());
            }

            for (int i = 0; i < parts.Count; i++)
            {
                string p = parts[i].Trim();
                int eq = p.IndexOf('=');
                if (eq < 0)
                {
                    parts[i] = p;
                    continue;
                }

                string lhs = p[..eq].Trim(), value = p[(eq + 1)..].Trim();
                var tokens = lhs.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (Regex.IsMatch(value, @"^[A-Za-z_]\w*$") && value is not ("true" or "false" or "null" or "default") && tokens.Length >= 2)
                {
                    value = tokens[^2] + "." + value;
                }

                parts[i] = lhs + " = " + value;
            }

            return "(" + string.Join(", ", parts) + ")";
        }

        private static string Escape(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
    }
}
