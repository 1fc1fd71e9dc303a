using System.Globalization;
using System.Text;

namespace ChuyenDoiSo.Reporting.Signing;

/// <summary>A PDF value as far as signing needs one: raw tokens (numbers, names, strings) are kept as written, byte for byte.</summary>
internal abstract record PdfValue
{
    public abstract void WriteTo(StringBuilder output);

    /// <summary>The value in PDF syntax (records synthesise their own ToString, so this has another name).</summary>
    public string Serialize()
    {
        var text = new StringBuilder();
        WriteTo(text);
        return text.ToString();
    }
}

internal sealed record PdfToken(string Text) : PdfValue
{
    public override void WriteTo(StringBuilder output) => output.Append(Text);
}

internal sealed record PdfReference(int Number, int Generation) : PdfValue
{
    public override void WriteTo(StringBuilder output) => output.Append(CultureInfo.InvariantCulture, $"{Number} {Generation} R");
}

internal sealed record PdfList(List<PdfValue> Items) : PdfValue
{
    public override void WriteTo(StringBuilder output)
    {
        output.Append('[');
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0) output.Append(' ');
            Items[i].WriteTo(output);
        }
        output.Append(']');
    }
}

internal sealed record PdfDict(List<KeyValuePair<string, PdfValue>> Entries) : PdfValue
{
    public PdfValue? Get(string key) => Entries.FirstOrDefault(e => e.Key == key).Value;

    public void Set(string key, PdfValue value)
    {
        var index = Entries.FindIndex(e => e.Key == key);
        if (index >= 0) Entries[index] = new(key, value);
        else Entries.Add(new(key, value));
    }

    public override void WriteTo(StringBuilder output)
    {
        output.Append("<<");
        foreach (var (key, value) in Entries)
        {
            output.Append(key).Append(' ');
            value.WriteTo(output);
            output.Append(' ');
        }
        output.Append(">>");
    }
}

/// <summary>
/// Reads a PDF's objects through its classic cross-reference tables (every revision, newest first), as PDFsharp writes them.
/// The file is held as Latin-1 text, one char per byte, so offsets are byte offsets.
/// </summary>
internal sealed class PdfFile : PdfFileText
{
    private readonly Dictionary<int, long> _offsets = [];

    public PdfFile(byte[] bytes) : base(Encoding.Latin1.GetString(bytes))
    {
        Bytes = bytes;
        var startxref = Text.LastIndexOf("startxref", StringComparison.Ordinal);
        if (startxref < 0) throw new PdfSigningException("not a PDF: no startxref");
        var position = startxref + "startxref".Length;
        LastXref = long.Parse(ReadWord(ref position), CultureInfo.InvariantCulture);
        long? xref = LastXref;
        while (xref is { } at)
        {
            var trailer = ReadXrefSection((int)at);
            Trailer ??= trailer;
            xref = trailer.Get("/Prev") is PdfToken prev ? long.Parse(prev.Text, CultureInfo.InvariantCulture) : null;
        }
        if (Trailer!.Get("/Encrypt") is not null) throw new PdfSigningException("encrypted PDFs are not signed here");
    }

    public byte[] Bytes { get; }
    public long LastXref { get; }
    public PdfDict? Trailer { get; private set; }
    public int Size => int.Parse(((PdfToken)Trailer!.Get("/Size")!).Text, CultureInfo.InvariantCulture);

    public PdfValue Object(int number)
    {
        if (!_offsets.TryGetValue(number, out var offset)) throw new PdfSigningException($"object {number} is not in the cross-reference table");
        var position = (int)offset;
        ReadWord(ref position);
        ReadWord(ref position);
        if (ReadWord(ref position) != "obj") throw new PdfSigningException($"object {number} is not where the cross-reference table says");
        return Parse(ref position);
    }

    public PdfValue Resolve(PdfValue value) => value is PdfReference r ? Object(r.Number) : value;

    /// <summary>The object references of the pages, in order.</summary>
    public IReadOnlyList<PdfReference> Pages()
    {
        var catalog = (PdfDict)Resolve(Trailer!.Get("/Root")!);
        var pages = new List<PdfReference>();
        void Walk(PdfReference node)
        {
            var dict = (PdfDict)Object(node.Number);
            if (dict.Get("/Kids") is { } kids)
                foreach (var kid in ((PdfList)Resolve(kids)).Items.OfType<PdfReference>()) Walk(kid);
            else pages.Add(node);
        }
        Walk((PdfReference)catalog.Get("/Pages")!);
        return pages;
    }

    private PdfDict ReadXrefSection(int position)
    {
        var keyword = ReadWord(ref position);
        if (keyword != "xref") throw new PdfSigningException("cross-reference streams are not supported: save the PDF with a classic xref table");
        while (true)
        {
            var word = ReadWord(ref position);
            if (word == "trailer") return (PdfDict)Parse(ref position);
            var first = int.Parse(word, CultureInfo.InvariantCulture);
            var count = int.Parse(ReadWord(ref position), CultureInfo.InvariantCulture);
            for (var i = 0; i < count; i++)
            {
                var offset = long.Parse(ReadWord(ref position), CultureInfo.InvariantCulture);
                ReadWord(ref position);
                var kind = ReadWord(ref position);
                if (kind == "n") _offsets.TryAdd(first + i, offset);
            }
        }
    }

}

/// <summary>The PDF syntax over a file's text: tokens, dictionaries, arrays, references.</summary>
internal class PdfFileText(string text)
{
    public string Text { get; } = text;

    private static bool IsWhite(char c) => c is ' ' or '\n' or '\r' or '\t' or '\f' or '\0';
    private static bool IsDelimiter(char c) => IsWhite(c) || c is '/' or '[' or ']' or '<' or '>' or '(' or ')' or '%' or '{' or '}';

    private void SkipWhite(ref int position)
    {
        while (position < Text.Length)
        {
            if (IsWhite(Text[position])) position++;
            else if (Text[position] == '%') { while (position < Text.Length && Text[position] is not ('\n' or '\r')) position++; }
            else break;
        }
    }

    protected string ReadWord(ref int position)
    {
        SkipWhite(ref position);
        var start = position;
        while (position < Text.Length && !IsDelimiter(Text[position])) position++;
        return Text[start..position];
    }

    public PdfValue Parse(ref int position)
    {
        SkipWhite(ref position);
        var c = Text[position];
        if (c == '<' && Text[position + 1] == '<')
        {
            position += 2;
            var entries = new List<KeyValuePair<string, PdfValue>>();
            while (true)
            {
                SkipWhite(ref position);
                if (Text[position] == '>') { position += 2; return new PdfDict(entries); }
                var key = (PdfToken)Parse(ref position);
                entries.Add(new(key.Text, Parse(ref position)));
            }
        }
        if (c == '[')
        {
            position++;
            var items = new List<PdfValue>();
            while (true)
            {
                SkipWhite(ref position);
                if (Text[position] == ']') { position++; return new PdfList(items); }
                items.Add(Parse(ref position));
            }
        }
        if (c == '(')
        {
            var start = position++;
            for (var depth = 1; depth > 0; position++)
            {
                if (Text[position] == '\\') position++;
                else if (Text[position] == '(') depth++;
                else if (Text[position] == ')') depth--;
            }
            return new PdfToken(Text[start..position]);
        }
        if (c == '<')
        {
            var end = Text.IndexOf('>', position);
            var token = new PdfToken(Text[position..(end + 1)]);
            position = end + 1;
            return token;
        }
        if (c == '/')
        {
            var start = position++;
            while (position < Text.Length && !IsDelimiter(Text[position])) position++;
            return new PdfToken(Text[start..position]);
        }
        var word = ReadWord(ref position);
        if (int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            // "12 0 R" is a reference; look ahead without consuming anything else.
            var ahead = position;
            var generation = ReadWord(ref ahead);
            if (int.TryParse(generation, NumberStyles.None, CultureInfo.InvariantCulture, out var g) && ReadWord(ref ahead) == "R")
            {
                position = ahead;
                return new PdfReference(number, g);
            }
        }
        if (word.Length == 0) throw new PdfSigningException($"unexpected '{c}' at offset {position}");
        return new PdfToken(word);
    }
}

/// <summary>A PDF the signing code cannot handle, or a signature it cannot read.</summary>
public sealed class PdfSigningException(string message) : Exception(message);
