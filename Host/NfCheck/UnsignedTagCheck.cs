using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Qrng.NfCheck
{
    /// <summary>
    /// NF017, learned on nanoCLR: its interpreter tags each value on the evaluation stack with a data type, and an
    /// arithmetic result takes the type of its left operand (CLR_RT_HeapBlock::NumericAdd and friends); C# emits no
    /// instruction for (int)someUint. So an int expression that starts from an unsigned operand stays tagged unsigned
    /// until it is stored in a typed local or field, and widening it (conv.i8, conv.r8) zero-extends where .NET
    /// sign-extends: (long)spread * Gaussian() gave 214748364550000 instead of -250000 when Gaussian's sum started from
    /// a uint byte. Flagged: a signed int-sized expression that nanoCLR carries as unsigned, when it is widened to a
    /// 64-bit or floating type, or returned from a method (its callers may widen it).
    /// </summary>
    public static class UnsignedTagCheck
    {
        public static IEnumerable<Finding> Check(Compilation compilation, Func<string, string> relativePath)
        {
            foreach (SyntaxTree tree in compilation.SyntaxTrees)
            {
                SemanticModel model = compilation.GetSemanticModel(tree);
                foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
                {
                    string problem = node switch
                    {
                        ExpressionSyntax e when !e.Parent.IsKind(SyntaxKind.ParenthesizedExpression) => Widened(e, model),
                        ReturnStatementSyntax r when r.Expression != null => Returned(r, model),
                        _ => null,
                    };
                    if (problem != null)
                    {
                        int line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                        yield return new Finding(relativePath(tree.FilePath), line, "NF017", problem);
                    }
                }
            }
        }

        private static string Widened(ExpressionSyntax e, SemanticModel model)
        {
            ITypeSymbol type = model.GetTypeInfo(e).Type;
            if (!IsSignedSmall(type) || !CarriedUnsigned(e, model) || !MayBeNegative(e, model))
            {
                return null;
            }

            ITypeSymbol target = e.Parent is CastExpressionSyntax cast ? model.GetTypeInfo(cast).Type : model.GetTypeInfo(e).ConvertedType;
            if (target == null || !IsWide(target))
            {
                return null;
            }

            return $"'{Short(e)}' is an int that nanoCLR carries as unsigned (its left-most operand is unsigned); widened to {target.Name} it is zero-extended there, sign-extended on .NET: store it in an int local first, or start the arithmetic from a signed value";
        }

        private static string Returned(ReturnStatementSyntax r, SemanticModel model)
        {
            ITypeSymbol type = model.GetTypeInfo(r.Expression).Type;
            if (!IsSignedSmall(type) || !CarriedUnsigned(r.Expression, model) || !MayBeNegative(r.Expression, model))
            {
                return null;
            }

            return $"returns '{Short(r.Expression)}', an int that nanoCLR carries as unsigned (its left-most operand is unsigned): a caller that widens it to long or double gets it zero-extended there; store it in an int local first, or start the arithmetic from a signed value";
        }

        /// <summary>Whether nanoCLR's tag for the value of <paramref name="e"/> is an unsigned type.</summary>
        private static bool CarriedUnsigned(ExpressionSyntax e, SemanticModel model)
        {
            if (model.GetConstantValue(e).HasValue)
            {
                return false;
            }

            switch (e)
            {
                case ParenthesizedExpressionSyntax p:
                    return CarriedUnsigned(p.Expression, model);
                case CastExpressionSyntax c:
                    // same-size (or narrower-to-int) integer casts emit no instruction: the tag passes through
                    ITypeSymbol from = model.GetTypeInfo(c.Expression).Type, to = model.GetTypeInfo(c).Type;
                    return IsInt32OrSmaller(from) && IsInt32(to) ? IsUnsigned(from) || CarriedUnsigned(c.Expression, model) : IsUnsigned(to);
                case BinaryExpressionSyntax b when IsArithmetic(b.Kind()):
                    // the result takes the left operand's tag
                    return IsUnsigned(model.GetTypeInfo(b.Left).Type) || CarriedUnsigned(b.Left, model);
                case PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.UnaryMinusExpression) || u.IsKind(SyntaxKind.BitwiseNotExpression) || u.IsKind(SyntaxKind.UnaryPlusExpression):
                    return IsUnsigned(model.GetTypeInfo(u.Operand).Type) || CarriedUnsigned(u.Operand, model);
                case ConditionalExpressionSyntax q:
                    return CarriedUnsigned(q.WhenTrue, model) || CarriedUnsigned(q.WhenFalse, model);
                case IdentifierNameSyntax id when InlinedLocal(id, model) is { } initializer:
                    return IsUnsigned(model.GetTypeInfo(initializer).Type) || CarriedUnsigned(initializer, model);
                default:
                    // locals, fields, parameters, array elements, calls: typed where they are stored (stloc keeps the
                    // declared type); a call's value is what its return statement carried, checked there
                    return false;
            }
        }

        /// <summary>
        /// The initializer of a local that an optimizing compile keeps on the stack instead of storing (assigned once,
        /// read once): its value then reaches the use with the initializer's tag, not the local's declared type.
        /// </summary>
        private static ExpressionSyntax InlinedLocal(IdentifierNameSyntax id, SemanticModel model)
        {
            if (model.GetSymbolInfo(id).Symbol is not ILocalSymbol local || local.DeclaringSyntaxReferences.Length != 1
                || local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer: { } init } declarator)
            {
                return null;
            }

            SyntaxNode scope = declarator.FirstAncestorOrSelf<BlockSyntax>();
            if (scope == null)
            {
                return null;
            }

            var uses = scope.DescendantNodes().OfType<IdentifierNameSyntax>()
                .Where(n => n.Identifier.Text == local.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(n).Symbol, local)).ToList();
            bool written = uses.Any(u => u.Parent is AssignmentExpressionSyntax a && a.Left == u
                || u.Parent is PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax
                || u.Parent is ArgumentSyntax { RefKindKeyword.RawKind: not 0 });
            return uses.Count == 1 && !written ? init.Value : null;
        }

        /// <summary>Whether the int value can be negative: only then do zero- and sign-extension differ.</summary>
        private static bool MayBeNegative(ExpressionSyntax e, SemanticModel model) => Bits(e, model) >= 31;

        /// <summary>
        /// An upper bound on the significant bits of a non-negative value, 31 or more when it may be negative or
        /// unbounded: differences and negations may be negative; masks, logical shifts, and sums, products and shifts of
        /// byte/ushort/char values stay small.
        /// </summary>
        private static int Bits(ExpressionSyntax e, SemanticModel model)
        {
            Optional<object> constant = model.GetConstantValue(e);
            if (constant.HasValue)
            {
                double v;
                switch (constant.Value)
                {
                    case char ch:
                        v = ch;
                        break;
                    case IConvertible c when constant.Value is not string and not bool:
                        v = c.ToDouble(System.Globalization.CultureInfo.InvariantCulture);
                        break;
                    default:
                        return 32;
                }

                return v < 0 ? 32 : v < 1 ? 0 : (int)Math.Floor(Math.Log2(v)) + 1;
            }

            switch (e)
            {
                case ParenthesizedExpressionSyntax p:
                    return Bits(p.Expression, model);
                case CastExpressionSyntax c:
                    return Math.Min(Bits(c.Expression, model), Width(model.GetTypeInfo(c).Type));
                case BinaryExpressionSyntax b:
                    int l = Bits(b.Left, model), r = Bits(b.Right, model);
                    int k = model.GetConstantValue(b.Right) is { HasValue: true, Value: int shift } ? shift : -1;
                    return b.Kind() switch
                    {
                        SyntaxKind.SubtractExpression => 32,
                        SyntaxKind.BitwiseAndExpression => Math.Min(l, r),
                        SyntaxKind.BitwiseOrExpression or SyntaxKind.ExclusiveOrExpression => Math.Max(l, r),
                        SyntaxKind.AddExpression => Math.Max(l, r) + 1,
                        SyntaxKind.MultiplyExpression => l + r,
                        SyntaxKind.LeftShiftExpression => k >= 0 ? l + k : 32,
                        SyntaxKind.RightShiftExpression => k < 0 ? l : IsUnsigned(model.GetTypeInfo(b.Left).Type) ? Math.Max(0, Math.Min(l, 32) - k) : l >= 31 ? 32 : Math.Max(0, l - k),
                        SyntaxKind.DivideExpression or SyntaxKind.ModuloExpression => l >= 31 || r >= 31 ? 32 : l,
                        _ => 32,
                    };
                case ConditionalExpressionSyntax q:
                    return Math.Max(Bits(q.WhenTrue, model), Bits(q.WhenFalse, model));
                case IdentifierNameSyntax id when InlinedLocal(id, model) is { } initializer:
                    return Bits(initializer, model);
                default:
                    return Width(model.GetTypeInfo(e).Type);
            }
        }

        /// <summary>Bits of a non-negative value of the type; 32 for the types whose values may be negative as an int.</summary>
        private static int Width(ITypeSymbol t) => t?.SpecialType switch
        {
            SpecialType.System_Byte => 8,
            SpecialType.System_UInt16 or SpecialType.System_Char => 16,
            _ => 32,
        };

        private static bool IsArithmetic(SyntaxKind k) => k is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression or SyntaxKind.MultiplyExpression
            or SyntaxKind.DivideExpression or SyntaxKind.ModuloExpression or SyntaxKind.BitwiseAndExpression or SyntaxKind.BitwiseOrExpression
            or SyntaxKind.ExclusiveOrExpression or SyntaxKind.LeftShiftExpression or SyntaxKind.RightShiftExpression;

        private static bool IsSignedSmall(ITypeSymbol t) => t?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int16 or SpecialType.System_SByte;

        private static bool IsInt32(ITypeSymbol t) => t?.SpecialType is SpecialType.System_Int32 or SpecialType.System_UInt32;

        private static bool IsInt32OrSmaller(ITypeSymbol t) => t?.SpecialType is SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int16
            or SpecialType.System_UInt16 or SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Char;

        private static bool IsUnsigned(ITypeSymbol t) => t?.SpecialType is SpecialType.System_UInt32 or SpecialType.System_UInt16 or SpecialType.System_Byte or SpecialType.System_Char;

        private static bool IsWide(ITypeSymbol t) => t.SpecialType is SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Double or SpecialType.System_Single;

        private static string Short(ExpressionSyntax e)
        {
            string text = e.ToString().Replace('\n', ' ');
            return text.Length > 60 ? text[..57] + "..." : text;
        }
    }
}
