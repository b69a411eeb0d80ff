using System.Text.RegularExpressions;

namespace Qrng.NfCheck
{
    /// <summary>
    /// The public API of the stable nanoFramework 1.x packages, read from ../shared/nanoframework/api-1.x.txt:
    /// "# assembly X" sections, type headers at column 0 ("class System.Array", "enum ..."), members indented.
    /// </summary>
    public sealed class ApiCatalog
    {
        public sealed record ApiType(string Assembly, string Namespace, string Name, string Base, HashSet<string> Members);

        private static readonly Regex Header = new(@"^(?:(?:static|abstract|sealed)\s+)*(class|struct|enum|interface|delegate)\s+([\w.]+)(?:<[^>]*>)?(?:\s*:\s*([\w.]+))?", RegexOptions.Compiled);

        // C# keyword aliases as the listing spells them.
        private static readonly Dictionary<string, string> Aliases = new()
        {
            ["String"] = "string", ["Object"] = "object", ["Boolean"] = "bool", ["Byte"] = "byte", ["SByte"] = "sbyte", ["Char"] = "char",
            ["Int16"] = "short", ["UInt16"] = "ushort", ["Int32"] = "int", ["UInt32"] = "uint", ["Int64"] = "long", ["UInt64"] = "ulong",
            ["Single"] = "float", ["Double"] = "double", ["Void"] = "void",
        };

        private readonly Dictionary<string, List<ApiType>> _byName = new(StringComparer.Ordinal);

        public HashSet<string> Namespaces { get; } = new(StringComparer.Ordinal);

        public static ApiCatalog Load(string path)
        {
            var catalog = new ApiCatalog();
            string assembly = null;
            ApiType current = null;
            foreach (string line in File.ReadLines(path))
            {
                if (line.StartsWith("# assembly ", StringComparison.Ordinal))
                {
                    assembly = line["# assembly ".Length..].Trim();
                    current = null;
                    continue;
                }

                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                if (line[0] != ' ')
                {
                    Match m = Header.Match(line);
                    if (!m.Success)
                    {
                        current = null;
                        continue;
                    }

                    string full = m.Groups[2].Value;
                    int dot = full.LastIndexOf('.');
                    string ns = dot < 0 ? "System" : full[..dot];
                    current = new ApiType(assembly, ns, dot < 0 ? full : full[(dot + 1)..], m.Groups[3].Success ? m.Groups[3].Value : null, new HashSet<string>(StringComparer.Ordinal));
                    catalog.Add(current);
                    continue;
                }

                if (current != null && MemberName(line.Trim()) is { } member)
                {
                    current.Members.Add(member);
                }
            }

            return catalog;
        }

        /// <summary>Types of that simple name in the given assemblies (keyword aliases resolved).</summary>
        public IEnumerable<ApiType> Find(string name, ISet<string> assemblies)
        {
            name = Aliases.TryGetValue(name, out string alias) ? alias : name;
            return _byName.TryGetValue(name, out var list) ? list.Where(t => assemblies.Contains(t.Assembly)) : [];
        }

        /// <summary>True when any of the types (or their listed bases) declares the member.</summary>
        public bool HasMember(IEnumerable<ApiType> types, string member, ISet<string> assemblies)
        {
            var seen = new HashSet<ApiType>();
            var work = new Queue<ApiType>(types);
            while (work.Count > 0)
            {
                ApiType t = work.Dequeue();
                if (!seen.Add(t))
                {
                    continue;
                }

                if (t.Members.Contains(member) || member is "Equals" or "GetHashCode" or "ToString" or "GetType" or "ReferenceEquals")
                {
                    return true;
                }

                string baseName = t.Base is null ? null : t.Base[(t.Base.LastIndexOf('.') + 1)..];
                foreach (ApiType b in baseName is null ? [] : Find(baseName, assemblies))
                {
                    work.Enqueue(b);
                }
            }

            return false;
        }

        public bool IsKnownAssembly(string assembly) => _byName.Values.Any(l => l.Any(t => t.Assembly == assembly));

        private void Add(ApiType t)
        {
            if (!_byName.TryGetValue(t.Name, out var list))
            {
                _byName[t.Name] = list = [];
            }

            list.Add(t);
            for (string ns = t.Namespace; ns.Length > 0; ns = ns.Contains('.') ? ns[..ns.LastIndexOf('.')] : "")
            {
                Namespaces.Add(ns);
            }
        }

        // "static void Copy(Array a, ...)" -> Copy; "int Length { get; }" -> Length; "Assembly = 1" -> Assembly;
        // "String(char[] value)" -> String (constructor); "char this[int index] { get; }" -> this.
        private static string MemberName(string line)
        {
            int cut = line.IndexOfAny(['(', '[', '{', '=']);
            string head = (cut < 0 ? line : line[..cut]).Trim();
            if (head.Length == 0)
            {
                return null;
            }

            int space = head.LastIndexOf(' ');
            string name = space < 0 ? head : head[(space + 1)..];
            int generic = name.IndexOf('<');
            return generic < 0 ? name : name[..generic];
        }
    }
}
