using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Qrng.NfCheck
{
    /// <summary>
    /// Checks C# sources against the nanoFramework 1.x subset (ARCHITECTURE.md): forbidden language features by
    /// syntax, and, when the API listing is given, every namespace, type and static member the code names against
    /// the listing of the assemblies its project references.
    /// </summary>
    public sealed class SubsetChecker
    {
        private static readonly string[] ForbiddenNamespaces =
            ["System.Linq", "System.Threading.Tasks", "System.Buffers", "System.Numerics", "System.Runtime.Intrinsics", "System.Collections.Generic", "System.Memory"];

        private static readonly HashSet<string> ForbiddenTypes =
            ["Span", "ReadOnlySpan", "Memory", "ReadOnlyMemory", "BinaryPrimitives", "BitOperations", "Task", "ValueTask", "ValueTuple", "Tuple", "Nullable", "Unsafe", "MemoryMarshal"];

        // what nanoCLR taught: these types are not in its mscorlib, and the arithmetic they stand for behaves differently
        private static readonly Dictionary<string, string> MissingArithmetic = new(StringComparer.Ordinal)
        {
            ["OverflowException"] = "checked arithmetic wraps on nanoCLR instead of throwing",
            ["DivideByZeroException"] = "an integer division by zero throws System.Exception on nanoCLR",
            ["ArithmeticException"] = "nanoCLR throws System.Exception for division by zero and nothing for overflow",
            ["NotFiniteNumberException"] = "it does not exist in nanoFramework's mscorlib",
        };

        private readonly ApiCatalog _api;
        private readonly HashSet<string> _deviceTypes;
        private readonly HashSet<string> _deviceNamespaces;

        /// <param name="api">The API listing, or null for the syntax rules only.</param>
        /// <param name="deviceSources">Every device source, parsed: the types and namespaces they declare are allowed.</param>
        public SubsetChecker(ApiCatalog api, IEnumerable<SyntaxTree> deviceSources)
        {
            _api = api;
            _deviceTypes = new HashSet<string>(StringComparer.Ordinal);
            _deviceNamespaces = new HashSet<string>(StringComparer.Ordinal);
            foreach (SyntaxTree tree in deviceSources)
            {
                SyntaxNode root = tree.GetRoot();
                foreach (var t in root.DescendantNodes().OfType<BaseTypeDeclarationSyntax>())
                {
                    _deviceTypes.Add(t.Identifier.Text);
                }

                foreach (var d in root.DescendantNodes().OfType<DelegateDeclarationSyntax>())
                {
                    _deviceTypes.Add(d.Identifier.Text);
                }

                foreach (var n in root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>())
                {
                    string name = n.Name.ToString();
                    for (; name.Length > 0; name = name.Contains('.') ? name[..name.LastIndexOf('.')] : "")
                    {
                        _deviceNamespaces.Add(name);
                    }
                }
            }
        }

        public static SyntaxTree Parse(string text, string path) => CSharpSyntaxTree.ParseText(text, new CSharpParseOptions(LanguageVersion.Latest), path);

        /// <summary>Findings for one parsed file of a project that references <paramref name="assemblies"/>.</summary>
        public IEnumerable<Finding> Check(SyntaxTree tree, ISet<string> assemblies)
        {
            var findings = new List<Finding>();
            SyntaxNode root = tree.GetRoot();
            void Add(SyntaxNode node, string rule, string message) =>
                findings.Add(new Finding(tree.FilePath, node.GetLocation().GetLineSpan().StartLinePosition.Line + 1, rule, message));

            foreach (SyntaxNode node in root.DescendantNodes())
            {
                switch (node)
                {
                    case TypeParameterListSyntax:
                        Add(node, "NF001", "generic declaration: nanoFramework 1.x has no generics");
                        break;
                    case GenericNameSyntax g:
                        Add(node, "NF002", $"generic type or method '{g}': nanoFramework 1.x has no generics");
                        break;
                    case NullableTypeSyntax n:
                        Add(node, "NF003", $"nullable type '{n}': Nullable<T> does not exist on the device");
                        break;
                    case TupleTypeSyntax or TupleExpressionSyntax:
                        Add(node, "NF004", "tuple: ValueTuple does not exist on the device");
                        break;
                    case AwaitExpressionSyntax:
                        Add(node, "NF005", "await: no Task/async on the device; use Thread");
                        break;
                    case MethodDeclarationSyntax m when m.Modifiers.Any(SyntaxKind.AsyncKeyword):
                    case LocalFunctionStatementSyntax lf when lf.Modifiers.Any(SyntaxKind.AsyncKeyword):
                    case AnonymousFunctionExpressionSyntax af when af.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword):
                        Add(node, "NF005", "async: no Task/async on the device; use Thread");
                        break;
                    case StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax:
                        Add(node, "NF006", "stackalloc: allocate buffers once at start-up instead");
                        break;
                    case UnsafeStatementSyntax or FixedStatementSyntax or PointerTypeSyntax or FunctionPointerTypeSyntax:
                        Add(node, "NF007", "unsafe code is not supported by nanoCLR");
                        break;
                    case BaseTypeDeclarationSyntax t when t.Modifiers.Any(SyntaxKind.UnsafeKeyword):
                    case MethodDeclarationSyntax um when um.Modifiers.Any(SyntaxKind.UnsafeKeyword):
                        Add(node, "NF007", "unsafe code is not supported by nanoCLR");
                        break;
                    case RecordDeclarationSyntax:
                        Add(node, "NF008", "record: not supported by the nanoFramework metadata processor");
                        break;
                    case QueryExpressionSyntax:
                        Add(node, "NF009", "LINQ query: System.Linq does not exist on the device");
                        break;
                    case MethodDeclarationSyntax im when im.Parent is InterfaceDeclarationSyntax && (im.Body != null || im.ExpressionBody != null):
                        Add(node, "NF010", "default interface method: not supported on the device");
                        break;
                    case UsingDirectiveSyntax u when u.Name != null:
                        CheckUsing(u, Add);
                        break;
                    case IdentifierNameSyntax id when ForbiddenTypes.Contains(id.Identifier.Text) && !IsMemberName(id):
                        Add(node, "NF011", $"'{id.Identifier.Text}' does not exist on the device");
                        break;
                    case CheckedExpressionSyntax ce when ce.IsKind(SyntaxKind.CheckedExpression):
                    case CheckedStatementSyntax cs when cs.IsKind(SyntaxKind.CheckedStatement):
                        Add(node, "NF015", "checked arithmetic never throws on nanoCLR (add.ovf and friends wrap): test the range explicitly");
                        break;
                    case IdentifierNameSyntax ae when MissingArithmetic.TryGetValue(ae.Identifier.Text, out string why) && !IsMemberName(ae):
                        Add(node, "NF016", $"'{ae.Identifier.Text}' is not in nanoFramework's mscorlib: {why}");
                        break;
                }
            }

            if (_api != null)
            {
                CheckApi(root, assemblies, Add);
            }

            return findings;
        }

        private void CheckUsing(UsingDirectiveSyntax u, Action<SyntaxNode, string, string> add)
        {
            string ns = u.Name.ToString();
            if (ForbiddenNamespaces.Any(f => ns == f || ns.StartsWith(f + ".", StringComparison.Ordinal)))
            {
                add(u, "NF011", $"namespace '{ns}' does not exist on the device");
            }
            else if (_api != null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Alias == null && !_api.Namespaces.Contains(ns) && !_deviceNamespaces.Contains(ns))
            {
                add(u, "NF012", $"namespace '{ns}' is not in the nanoFramework 1.x API listing nor declared by firmware code");
            }
        }

        // Names in type positions must be listed types of the referenced assemblies or firmware types; Type.Member
        // on a listed type must name a listed member ("Array.Fill", "Math.Abs" without System.Math are caught).
        private void CheckApi(SyntaxNode root, ISet<string> assemblies, Action<SyntaxNode, string, string> add)
        {
            HashSet<string> values = DeclaredValueNames(root);
            foreach (var id in root.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                string name = id.Identifier.Text;
                if (IsTypePosition(id))
                {
                    if (!KnownType(name, assemblies) && !KnownType(name + "Attribute", assemblies))
                    {
                        add(id, "NF012", $"type '{name}' is not in the nanoFramework 1.x API of this project's packages nor declared by firmware code");
                    }
                }
                if (id.Parent is MemberAccessExpressionSyntax access && access.Expression == id && !values.Contains(name) && !IsNamespacePart(id)
                    && char.IsUpper(name[0]) && !_deviceTypes.Contains(name))
                {
                    var types = _api.Find(name, assemblies).ToList();
                    string member = access.Name.Identifier.Text;
                    if (types.Count == 0)
                    {
                        add(id, "NF012", $"type '{name}' is not in the nanoFramework 1.x API of this project's packages nor declared by firmware code");
                    }
                    else if (!_api.HasMember(types, member, assemblies))
                    {
                        add(access.Name, "NF012", $"'{name}.{member}' is not in the nanoFramework 1.x API listing");
                    }
                }
            }
        }

        private bool KnownType(string name, ISet<string> assemblies) => _deviceTypes.Contains(name) || _api.Find(name, assemblies).Any();

        // The root of a dotted namespace (System.Diagnostics.Debug.WriteLine): not a type access.
        private bool IsNamespacePart(IdentifierNameSyntax id) =>
            _api.Namespaces.Contains(id.Identifier.Text) || _deviceNamespaces.Contains(id.Identifier.Text);

        private static bool IsMemberName(IdentifierNameSyntax id) =>
            id.Parent is MemberAccessExpressionSyntax ma && ma.Name == id;

        private static bool IsTypePosition(IdentifierNameSyntax id)
        {
            if (id.Identifier.Text == "var" || id.Identifier.Text == "nameof")
            {
                return false;
            }

            SyntaxNode p = id.Parent;
            return p switch
            {
                VariableDeclarationSyntax v => v.Type == id,
                ParameterSyntax ps => ps.Type == id,
                PropertyDeclarationSyntax pd => pd.Type == id,
                MethodDeclarationSyntax md => md.ReturnType == id,
                ObjectCreationExpressionSyntax oc => oc.Type == id,
                ArrayTypeSyntax at => at.ElementType == id,
                TypeOfExpressionSyntax => true,
                CastExpressionSyntax ce => ce.Type == id,
                SimpleBaseTypeSyntax => true,
                CatchDeclarationSyntax => true,
                AttributeSyntax a => a.Name == id,
                DelegateDeclarationSyntax dd => dd.ReturnType == id,
                IndexerDeclarationSyntax ix => ix.Type == id,
                ForEachStatementSyntax fe => fe.Type == id,
                DeclarationPatternSyntax => true,
                TypePatternSyntax => true,
                DefaultExpressionSyntax => true,
                BinaryExpressionSyntax be => be.Right == id && (be.IsKind(SyntaxKind.AsExpression) || be.IsKind(SyntaxKind.IsExpression)),
                _ => false,
            };
        }

        // Names that denote values (locals, parameters, fields, properties, methods, ...) so "x.Length" is not a type access.
        private static HashSet<string> DeclaredValueNames(SyntaxNode root)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (SyntaxNode n in root.DescendantNodes())
            {
                SyntaxToken? t = n switch
                {
                    VariableDeclaratorSyntax v => v.Identifier,
                    ParameterSyntax p => p.Identifier,
                    PropertyDeclarationSyntax p => p.Identifier,
                    MethodDeclarationSyntax m => m.Identifier,
                    EventDeclarationSyntax e => e.Identifier,
                    ForEachStatementSyntax f => f.Identifier,
                    CatchDeclarationSyntax c => c.Identifier,
                    SingleVariableDesignationSyntax s => s.Identifier,
                    LocalFunctionStatementSyntax l => l.Identifier,
                    EnumMemberDeclarationSyntax em => em.Identifier,
                    _ => null,
                };
                if (t is { } token && token.Text.Length > 0)
                {
                    names.Add(token.Text);
                }
            }

            return names;
        }
    }
}
