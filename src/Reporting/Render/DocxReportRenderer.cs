using System.Globalization;
using System.Text;
using System.Xml;
using ChuyenDoiSo.Reporting.Compile;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace ChuyenDoiSo.Reporting.Render;

/// <summary>
/// Prints a report (a commune's compiled report or a higher body's roll-up) as a Word document in the Decree 30/2020/NĐ-CP format: A4, margins 20/20/30/15 mm,
/// Times New Roman 14 pt, the two-column header, title, body, signature block and "Nơi nhận".
/// </summary>
public static class DocxReportRenderer
{
    private const string Font = "Times New Roman";

    // Sizes in twips (1/1440 inch; 1 mm ≈ 56.7 twips) and half-points.
    private const int PageWidth = 11906;
    private const int PageHeight = 16838;
    private const int MarginTop = 1134;
    private const int MarginBottom = 1134;
    private const int MarginLeft = 1701;
    private const int MarginRight = 850;
    private const int TextWidth = PageWidth - MarginLeft - MarginRight;
    private const int FirstLineIndent = 567;
    private const int Body = 28;
    private const int Size13 = 26;
    private const int TableText = 24;
    private const int RecipientsHeadingSize = 24;
    private const int RecipientSize = 22;

    // The header's columns: the issuing body on the left, the national motto on the right. The right one is
    // as wide as "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in 13 pt bold needs to stay on one line.
    private const int HeaderLeft = 3515;
    private const int HeaderRight = TextWidth - HeaderLeft;
    private const int SignatureLeft = 4455;
    private const int SignatureRight = TextWidth - SignatureLeft;

    public static byte[] Render(CompiledReport report, RenderOptions options) => Render(ReportDocument.Build(report, options), options.IssueDate);

    /// <summary>Any report laid out as an official document: a commune's report or a higher body's roll-up.</summary>
    public static byte[] Render(ReportDocument document, DateOnly issueDate)
    {
        using var stream = new MemoryStream();
        using (var package = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            // Explicit relationship ids keep the XML identical from one run to the next.
            var main = package.AddNewPart<MainDocumentPart>(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "rId1");
            main.AddNewPart<StyleDefinitionsPart>("rId1").Styles = Styles();
            main.AddNewPart<DocumentSettingsPart>("rId2").Settings = Settings();
            main.AddNewPart<HeaderPart>("rId3").Header = PageNumberHeader();
            main.AddNewPart<HeaderPart>("rId4").Header = new Header(new Paragraph());
            // Streamed, block by block and row by row: a province's roll-up annex runs to tens of thousands of rows,
            // which as one DOM took gigabytes; written as it is built, memory stays at one row.
            using (var writer = OpenXmlWriter.Create(main))
            {
                writer.WriteStartDocument(standalone: true);
                writer.WriteStartElement(new Document(), [], [new("w", WordNamespace), new("r", RelationshipsNamespace)]);
                writer.WriteStartElement(new Body());
                WriteBody(writer, document, defaultHeaderId: "rId3", firstHeaderId: "rId4");
                writer.WriteEndElement();
                writer.WriteEndElement();
            }
            WriteCoreProperties(package.AddNewPart<CoreFilePropertiesPart>("rId2"), $"{document.Title} {document.Subject}", issueDate);
        }
        return stream.ToArray();
    }

    /// <summary>
    /// Title, language and the issue date as the creation date, written by hand: the packaging API would add
    /// the part under a random relationship id and stamp it with the clock.
    /// </summary>
    private static void WriteCoreProperties(CoreFilePropertiesPart part, string title, DateOnly issueDate)
    {
        const string Cp = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties";
        const string Dc = "http://purl.org/dc/elements/1.1/";
        const string DcTerms = "http://purl.org/dc/terms/";
        const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";
        using var stream = part.GetStream(FileMode.Create, FileAccess.Write);
        using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) });
        xml.WriteStartDocument(standalone: true);
        xml.WriteStartElement("cp", "coreProperties", Cp);
        xml.WriteAttributeString("xmlns", "dc", null, Dc);
        xml.WriteAttributeString("xmlns", "dcterms", null, DcTerms);
        xml.WriteAttributeString("xmlns", "xsi", null, Xsi);
        xml.WriteElementString("dc", "title", Dc, title);
        xml.WriteElementString("dc", "language", Dc, "vi-VN");
        xml.WriteStartElement("dcterms", "created", DcTerms);
        xml.WriteAttributeString("xsi", "type", Xsi, "dcterms:W3CDTF");
        xml.WriteString(issueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00Z");
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private const string WordNamespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    private const string RelationshipsNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    /// <summary>Appends to the writer what a Body element would hold; <see cref="Sink"/> lets tables stream their rows.</summary>
    private static void WriteBody(OpenXmlWriter writer, ReportDocument document, string defaultHeaderId, string firstHeaderId)
    {
        var body = new Sink(writer);
        body.Append(HeaderTable(document));
        body.Append(Centered(Run(document.Title, bold: true), spaceBefore: 360));
        body.Append(Centered(Run(document.Subject, bold: true)));
        body.Append(ShortLine(TextWidth, 2200, spaceAfter: 240));

        foreach (var block in document.Body)
        {
            switch (block)
            {
                case ReportHeading heading:
                    body.Append(BodyParagraph([Run(heading.Text, bold: true)], keepNext: true, spaceBefore: 180));
                    break;
                case ReportSubheading subheading:
                    body.Append(BodyParagraph([Run(subheading.Text, bold: true)], keepNext: true));
                    break;
                case ReportParagraph paragraph:
                    var runs = new List<Run>();
                    if (paragraph.Lead is { } lead) runs.Add(Run(lead, bold: true, italic: paragraph.Italic));
                    runs.Add(Run(paragraph.Text, italic: paragraph.Italic));
                    body.Append(BodyParagraph(runs));
                    break;
                case ReportList list:
                    foreach (var item in list.Items)
                        body.Append(BodyParagraph([Run($"- {item}", italic: list.Italic)]));
                    break;
                case ReportTable table:
                    WriteDataTable(writer, table);
                    break;
                default:
                    throw new InvalidOperationException($"No DOCX layout for {block.GetType().Name}.");
            }
        }

        body.Append(SignatureTable(document));
        body.Append(new SectionProperties(
            new HeaderReference { Type = HeaderFooterValues.Default, Id = defaultHeaderId },
            new HeaderReference { Type = HeaderFooterValues.First, Id = firstHeaderId },
            new PageSize { Width = PageWidth, Height = PageHeight },
            new PageMargin
            {
                Top = MarginTop,
                Bottom = MarginBottom,
                Left = MarginLeft,
                Right = MarginRight,
                Header = 567,
                Footer = 567,
                Gutter = 0,
            },
            // Decree 30: page numbers from the second page on, so the first page gets an empty header.
            new TitlePage()));
    }

    /// <summary>Writes each element as soon as it is appended, so the body never exists as a whole in memory.</summary>
    private sealed class Sink(OpenXmlWriter writer)
    {
        public void Append(OpenXmlElement element) => writer.WriteElement(element);
    }

    private static Table HeaderTable(ReportDocument document)
    {
        var left = new TableCell(
            CellProperties(HeaderLeft),
            Centered(Run(document.IssuingBody, bold: true, size: Size13)),
            Centered(Run(document.IssuingUnit, bold: true, size: Size13)),
            ShortLine(HeaderLeft, 1000),
            Centered(Run(document.NumberLine, size: Size13), spaceBefore: 120));
        var right = new TableCell(
            CellProperties(HeaderRight),
            Centered(Run(document.Nation, bold: true, size: Size13)),
            Centered(Run(document.Motto, bold: true)),
            ShortLine(HeaderRight, 3300),
            Centered(Run(document.PlaceAndDate, italic: true), spaceBefore: 120));
        return Borderless([HeaderLeft, HeaderRight], new TableRow(left, right));
    }

    private static Table SignatureTable(ReportDocument document)
    {
        var left = new TableCell(CellProperties(SignatureLeft));
        left.Append(Plain(Run(document.RecipientsHeading, bold: true, italic: true, size: RecipientsHeadingSize), spaceBefore: 240));
        foreach (var recipient in document.Recipients)
            left.Append(Plain(Run(recipient, size: RecipientSize)));

        var right = new TableCell(CellProperties(SignatureRight));
        var first = true;
        foreach (var line in document.SignerAuthority.Append(document.SignerTitle))
        {
            right.Append(Centered(Run(line, bold: true), spaceBefore: first ? 240 : 0));
            first = false;
        }
        // Room for the signature and the seal.
        for (var i = 0; i < 4; i++) right.Append(Centered(Run("")));
        right.Append(Centered(Run(document.SignerName, bold: true)));

        return Borderless([SignatureLeft, SignatureRight], new TableRow(new TableRowProperties(new CantSplit()), left, right));
    }

    private static Table Borderless(int[] widths, TableRow row)
    {
        static BorderType None<T>() where T : BorderType, new() => new T { Val = BorderValues.None, Size = 0, Space = 0 };
        var table = new Table(
            new TableProperties(
                new TableWidth { Width = widths.Sum().ToString(CultureInfo.InvariantCulture), Type = TableWidthUnitValues.Dxa },
                new TableBorders(
                    None<TopBorder>(), None<LeftBorder>(), None<BottomBorder>(), None<RightBorder>(),
                    None<InsideHorizontalBorder>(), None<InsideVerticalBorder>()),
                new TableLayout { Type = TableLayoutValues.Fixed },
                new TableCellMarginDefault(
                    new TableCellLeftMargin { Width = 0, Type = TableWidthValues.Dxa },
                    new TableCellRightMargin { Width = 0, Type = TableWidthValues.Dxa })),
            new TableGrid(widths.Select(w => new GridColumn { Width = Twips(w) })));
        table.Append(row);
        return table;
    }

    private static void WriteDataTable(OpenXmlWriter writer, ReportTable model)
    {
        var widths = model.Columns.Select(c => c.Width).ToArray();
        writer.WriteStartElement(new Table());
        writer.WriteElement(
            new TableProperties(
                new TableStyle { Val = "TableGrid" },
                new TableWidth { Width = Twips(widths.Sum()), Type = TableWidthUnitValues.Dxa },
                new TableLayout { Type = TableLayoutValues.Fixed },
                new TableLook { Val = "04A0", FirstRow = true, NoVerticalBand = true }));
        writer.WriteElement(new TableGrid(widths.Select(w => new GridColumn { Width = Twips(w) })));

        var header = new TableRow(new TableRowProperties(new CantSplit(), new TableHeader()));
        foreach (var column in model.Columns)
        {
            header.Append(new TableCell(
                CellProperties(column.Width, center: true),
                CellParagraph(column.Header, JustificationValues.Center, bold: true)));
        }
        writer.WriteElement(header);

        foreach (var row in model.Rows)
        {
            var tableRow = new TableRow(new TableRowProperties(new CantSplit()));
            if (row.IsGroup)
            {
                tableRow.Append(new TableCell(
                    CellProperties(widths.Sum(), gridSpan: widths.Length),
                    CellParagraph(row.Cells.Count > 0 ? row.Cells[0] : "", JustificationValues.Left, bold: true)));
            }
            else
            {
                for (var i = 0; i < model.Columns.Count; i++)
                {
                    var cell = new TableCell(CellProperties(widths[i]));
                    var text = i < row.Cells.Count ? row.Cells[i] : "";
                    foreach (var line in text.Split('\n'))
                        cell.Append(CellParagraph(line, Justify(model.Columns[i].Align)));
                    tableRow.Append(cell);
                }
            }
            writer.WriteElement(tableRow);
        }
        writer.WriteEndElement();
    }

    private static TableCellProperties CellProperties(int width, int gridSpan = 1, bool center = false)
    {
        var properties = new TableCellProperties(new TableCellWidth { Width = Twips(width), Type = TableWidthUnitValues.Dxa });
        if (gridSpan > 1) properties.Append(new GridSpan { Val = gridSpan });
        if (center) properties.Append(new TableCellVerticalAlignment { Val = TableVerticalAlignmentValues.Center });
        return properties;
    }

    private static JustificationValues Justify(CellAlign align) => align switch
    {
        CellAlign.Center => JustificationValues.Center,
        CellAlign.Right => JustificationValues.Right,
        _ => JustificationValues.Left,
    };

    private static Paragraph CellParagraph(string text, JustificationValues justification, bool bold = false) =>
        new(
            new ParagraphProperties(
                new SpacingBetweenLines { Before = "40", After = "40" },
                new Justification { Val = justification }),
            Run(text, bold: bold, size: TableText));

    private static Paragraph BodyParagraph(IEnumerable<Run> runs, bool keepNext = false, int spaceBefore = 120)
    {
        var properties = new ParagraphProperties();
        if (keepNext) properties.Append(new KeepNext());
        properties.Append(
            new SpacingBetweenLines { Before = Twips(spaceBefore), After = "0" },
            new Indentation { FirstLine = Twips(FirstLineIndent) },
            new Justification { Val = JustificationValues.Both });
        var paragraph = new Paragraph(properties);
        paragraph.Append(runs);
        return paragraph;
    }

    private static Paragraph Centered(Run run, int spaceBefore = 0) =>
        new(
            new ParagraphProperties(
                new SpacingBetweenLines { Before = Twips(spaceBefore), After = "0" },
                new Justification { Val = JustificationValues.Center }),
            run);

    private static Paragraph Plain(Run run, int spaceBefore = 0) =>
        new(
            new ParagraphProperties(
                new SpacingBetweenLines { Before = Twips(spaceBefore), After = "0" },
                new Justification { Val = JustificationValues.Left }),
            run);

    /// <summary>
    /// The short rule Decree 30 draws under the issuing body, the motto and the subject: an empty, tiny paragraph
    /// whose bottom border is shortened by equal indents to <paramref name="length"/> twips, centred in <paramref name="width"/>.
    /// </summary>
    private static Paragraph ShortLine(int width, int length, int spaceAfter = 0)
    {
        var indent = Twips(Math.Max(0, (width - length) / 2));
        return new Paragraph(
            new ParagraphProperties(
                new ParagraphBorders(new BottomBorder { Val = BorderValues.Single, Size = 6, Space = 1, Color = "000000" }),
                new SpacingBetweenLines { Before = "0", After = Twips(spaceAfter), Line = "60", LineRule = LineSpacingRuleValues.Exact },
                new Indentation { Left = indent, Right = indent },
                new ParagraphMarkRunProperties(new FontSize { Val = "4" }, new FontSizeComplexScript { Val = "4" })));
    }

    private static Run Run(string text, bool bold = false, bool italic = false, int size = Body)
    {
        var properties = new RunProperties();
        if (bold) properties.Append(new Bold(), new BoldComplexScript());
        if (italic) properties.Append(new Italic(), new ItalicComplexScript());
        if (size != Body)
        {
            var value = size.ToString(CultureInfo.InvariantCulture);
            properties.Append(new FontSize { Val = value }, new FontSizeComplexScript { Val = value });
        }
        var run = new Run();
        if (properties.HasChildren) run.Append(properties);
        run.Append(new Text(XmlSafe(text)) { Space = SpaceProcessingModeValues.Preserve });
        return run;
    }

    /// <summary>Drops characters XML 1.0 cannot carry (stray control characters in a department's text), which would otherwise fail the save.</summary>
    private static string XmlSafe(string text)
    {
        if (!text.Any(c => !XmlConvert.IsXmlChar(c) && !char.IsSurrogate(c))) return text;
        var safe = new StringBuilder(text.Length);
        foreach (var c in text)
            if (XmlConvert.IsXmlChar(c) || char.IsSurrogate(c)) safe.Append(c);
        return safe.ToString();
    }

    private static string Twips(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static Header PageNumberHeader()
    {
        var runProperties = () => new RunProperties(new FontSize { Val = "28" }, new FontSizeComplexScript { Val = "28" });
        return new Header(new Paragraph(
            new ParagraphProperties(new Justification { Val = JustificationValues.Center }),
            new Run(runProperties(), new FieldChar { FieldCharType = FieldCharValues.Begin }),
            new Run(runProperties(), new FieldCode(" PAGE ") { Space = SpaceProcessingModeValues.Preserve }),
            new Run(runProperties(), new FieldChar { FieldCharType = FieldCharValues.Separate }),
            new Run(runProperties(), new Text("2")),
            new Run(runProperties(), new FieldChar { FieldCharType = FieldCharValues.End })));
    }

    private static Styles Styles()
    {
        static RunFonts Fonts() => new() { Ascii = Font, HighAnsi = Font, EastAsia = Font, ComplexScript = Font };
        var size = Body.ToString(CultureInfo.InvariantCulture);
        return new Styles(
            new DocDefaults(
                new RunPropertiesDefault(new RunPropertiesBaseStyle(
                    Fonts(),
                    new FontSize { Val = size },
                    new FontSizeComplexScript { Val = size },
                    new Languages { Val = "vi-VN", EastAsia = "vi-VN", Bidi = "ar-SA" })),
                new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(
                    new SpacingBetweenLines { Before = "0", After = "0", Line = "240", LineRule = LineSpacingRuleValues.Auto }))),
            new Style(
                new StyleName { Val = "Normal" },
                new PrimaryStyle(),
                new StyleRunProperties(Fonts(), new FontSize { Val = size }, new FontSizeComplexScript { Val = size }))
            {
                Type = StyleValues.Paragraph,
                StyleId = "Normal",
                Default = true,
            },
            new Style(
                new StyleName { Val = "Normal Table" },
                new UIPriority { Val = 99 },
                new SemiHidden(),
                new UnhideWhenUsed(),
                new StyleTableProperties(
                    new TableIndentation { Width = 0, Type = TableWidthUnitValues.Dxa },
                    new TableCellMarginDefault(
                        new TopMargin { Width = "0", Type = TableWidthUnitValues.Dxa },
                        new TableCellLeftMargin { Width = 108, Type = TableWidthValues.Dxa },
                        new BottomMargin { Width = "0", Type = TableWidthUnitValues.Dxa },
                        new TableCellRightMargin { Width = 108, Type = TableWidthValues.Dxa })))
            {
                Type = StyleValues.Table,
                StyleId = "TableNormal",
                Default = true,
            },
            new Style(
                new StyleName { Val = "Table Grid" },
                new BasedOn { Val = "TableNormal" },
                new UIPriority { Val = 39 },
                new StyleTableProperties(
                    new TableBorders(
                        new TopBorder { Val = BorderValues.Single, Size = 4, Space = 0, Color = "000000" },
                        new LeftBorder { Val = BorderValues.Single, Size = 4, Space = 0, Color = "000000" },
                        new BottomBorder { Val = BorderValues.Single, Size = 4, Space = 0, Color = "000000" },
                        new RightBorder { Val = BorderValues.Single, Size = 4, Space = 0, Color = "000000" },
                        new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4, Space = 0, Color = "000000" },
                        new InsideVerticalBorder { Val = BorderValues.Single, Size = 4, Space = 0, Color = "000000" }),
                    new TableCellMarginDefault(
                        new TableCellLeftMargin { Width = 80, Type = TableWidthValues.Dxa },
                        new TableCellRightMargin { Width = 80, Type = TableWidthValues.Dxa })))
            {
                Type = StyleValues.Table,
                StyleId = "TableGrid",
            });
    }

    private static Settings Settings() =>
        new(
            new Zoom { Percent = "100" },
            new DefaultTabStop { Val = 720 },
            new CharacterSpacingControl { Val = CharacterSpacingValues.DoNotCompress },
            // Word 2013+ layout (compatibilityMode 15), so Word does not open the file in compatibility mode.
            new Compatibility(new CompatibilitySetting
            {
                Name = CompatSettingNameValues.CompatibilityMode,
                Uri = "http://schemas.microsoft.com/office/word",
                Val = "15",
            }),
            new ThemeFontLanguages { Val = "vi-VN" });
}
