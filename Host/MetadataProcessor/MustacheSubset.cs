// Stands in for mustache-sharp 1.0 (FormatCompiler / Generator), which MetadataProcessor's skeleton and dump
// generators use and which this NuGet mirror does not serve. Implements the subset its templates use:
// {{Name}} and dotted paths, {{#if X}} / {{#else}} / {{/if}}, {{#each X}} / {{/each}}, {{#newline}}; lookups
// search the current item, then the enclosing scopes (mustache-sharp's rule); values are written unescaped.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Reflection;
using System.Text;

namespace Mustache
{
    public sealed class FormatCompiler
    {
        /// <summary>mustache-sharp: true drops the template's own line breaks (only {{#newline}} makes one).</summary>
        public bool RemoveNewLines { get; set; } = true;

        public Generator Compile(string format)
        {
            var root = new Block(null, null);
            var stack = new Stack<Block>();
            stack.Push(root);
            int pos = 0;
            while (pos < format.Length)
            {
                int open = format.IndexOf("{{", pos, StringComparison.Ordinal);
                if (open < 0)
                {
                    AddText(stack.Peek(), format.Substring(pos));
                    break;
                }

                // "{{{X}}" in the templates is a literal '{' followed by a tag: the tag starts at the last "{{"
                while (open + 2 < format.Length && format[open + 2] == '{')
                {
                    open++;
                }

                AddText(stack.Peek(), format.Substring(pos, open - pos));
                int close = format.IndexOf("}}", open + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw new FormatException("unclosed tag at " + open);
                }

                string tag = format.Substring(open + 2, close - open - 2).Trim();
                pos = close + 2;
                if (tag == "#newline")
                {
                    stack.Peek().Current.Add(new Text(Environment.NewLine));
                }
                else if (tag.StartsWith("#if ", StringComparison.Ordinal) || tag.StartsWith("#each ", StringComparison.Ordinal))
                {
                    int space = tag.IndexOf(' ');
                    var block = new Block(tag.Substring(1, space - 1), tag.Substring(space + 1).Trim());
                    stack.Peek().Current.Add(block);
                    stack.Push(block);
                }
                else if (tag == "#else")
                {
                    Block current = stack.Peek();
                    if (current.Kind != "if" || current.Else != null)
                    {
                        throw new FormatException("{{#else}} outside {{#if}}");
                    }

                    current.Else = new List<Part>();
                }
                else if (tag == "/if" || tag == "/each")
                {
                    if (stack.Count == 1 || stack.Peek().Kind != tag.Substring(1))
                    {
                        throw new FormatException("unbalanced {{" + tag + "}}");
                    }

                    stack.Pop();
                }
                else if (tag.StartsWith("#", StringComparison.Ordinal) || tag.StartsWith("/", StringComparison.Ordinal))
                {
                    throw new FormatException("unsupported tag {{" + tag + "}}");
                }
                else
                {
                    stack.Peek().Current.Add(new Value(tag));
                }
            }

            if (stack.Count != 1)
            {
                throw new FormatException("unclosed {{#" + stack.Peek().Kind + "}}");
            }

            return new Generator(root);

            void AddText(Block block, string text)
            {
                if (RemoveNewLines)
                {
                    text = text.Replace("\r", "").Replace("\n", "");
                }

                if (text.Length > 0)
                {
                    block.Current.Add(new Text(text));
                }
            }
        }

        internal abstract class Part
        {
            public abstract void Render(StringBuilder into, Scope scope);
        }

        internal sealed class Text(string text) : Part
        {
            public override void Render(StringBuilder into, Scope scope) => into.Append(text);
        }

        internal sealed class Value(string path) : Part
        {
            public override void Render(StringBuilder into, Scope scope) => into.Append(scope.Find(path));
        }

        internal sealed class Block(string kind, string path) : Part
        {
            public string Kind { get; } = kind;
            public List<Part> Parts { get; } = new List<Part>();
            public List<Part> Else { get; set; }

            /// <summary>Where the parts being parsed go: the {{#else}} branch once it has started, else the block's own.</summary>
            public List<Part> Current => Else ?? Parts;

            public override void Render(StringBuilder into, Scope scope)
            {
                object value = scope.Find(path);
                if (Kind == "if")
                {
                    RenderAll(into, IsTrue(value) ? Parts : Else, scope);
                    return;
                }

                if (value is IEnumerable items and not string)
                {
                    foreach (object item in items)
                    {
                        RenderAll(into, Parts, new Scope(item, scope));
                    }
                }
            }

            public static void RenderAll(StringBuilder into, List<Part> parts, Scope scope)
            {
                if (parts == null)
                {
                    return;
                }

                foreach (Part part in parts)
                {
                    part.Render(into, scope);
                }
            }

            private static bool IsTrue(object value) => value switch
            {
                null => false,
                bool b => b,
                string s => s.Length > 0,
                ICollection c => c.Count > 0,
                IEnumerable e => e.GetEnumerator().MoveNext(),
                int i => i != 0,
                uint u => u != 0,
                long l => l != 0,
                ushort us => us != 0,
                _ => true,
            };
        }

        internal sealed class Scope(object item, Scope parent)
        {
            private readonly object _item = item;
            private readonly Scope _parent = parent;

            /// <summary>The value at a dotted path, looked up in this item and then in the enclosing ones; null if none has it.</summary>
            public object Find(string path)
            {
                string[] names = path.Split('.');
                for (Scope s = this; s != null; s = s._parent)
                {
                    if (TryMember(s._item, names[0], out object value))
                    {
                        for (int i = 1; i < names.Length && value != null; i++)
                        {
                            TryMember(value, names[i], out value);
                        }

                        return value;
                    }
                }

                return null;
            }

            private static bool TryMember(object target, string name, out object value)
            {
                value = null;
                if (target == null)
                {
                    return false;
                }

                if (target is IDictionary dictionary)
                {
                    if (dictionary.Contains(name))
                    {
                        value = dictionary[name];
                        return true;
                    }

                    return false;
                }

                const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance;
                Type type = target.GetType();
                PropertyInfo property = type.GetProperty(name, flags);
                if (property != null && property.GetIndexParameters().Length == 0)
                {
                    value = property.GetValue(target);
                    return true;
                }

                FieldInfo field = type.GetField(name, flags);
                if (field != null)
                {
                    value = field.GetValue(target);
                    return true;
                }

                return false;
            }
        }
    }

    public sealed class Generator
    {
        private readonly FormatCompiler.Block _root;

        internal Generator(FormatCompiler.Block root)
        {
            _root = root;
        }

        public string Render(object source)
        {
            var text = new StringBuilder();
            FormatCompiler.Block.RenderAll(text, _root.Parts, new FormatCompiler.Scope(source, null));
            return text.ToString();
        }
    }
}
