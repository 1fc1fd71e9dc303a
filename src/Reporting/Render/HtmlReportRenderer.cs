using System.Globalization;
using System.Net;
using System.Text;
using ChuyenDoiSo.Reporting.Compile;

namespace ChuyenDoiSo.Reporting.Render;

/// <summary>
/// Prints a compiled report as one self-contained HTML5 page with the same content and order as the DOCX.
/// Styles are inline attributes only, because mail clients drop &lt;style&gt; blocks; so the page can be an email body.
/// </summary>
public static class HtmlReportRenderer
{
    private const string Page = "margin:0;padding:16px;background:#ffffff;color:#000000;font-family:'Times New Roman',Times,serif;font-size:14pt;line-height:1.35;";
    private const string Sheet = "max-width:820px;margin:0 auto;";
    private const string Layout = "width:100%;border-collapse:collapse;border:0;";
    private const string LayoutCell = "border:0;padding:0;vertical-align:top;text-align:center;";
    private const string Line = "margin:0;";
    private const string Rule = "margin:2px auto 0 auto;border:0;border-top:1px solid #000000;height:0;";
    private const string BodyText = "margin:6pt 0 0 0;text-indent:1cm;text-align:justify;";
    private const string Grid = "width:100%;border-collapse:collapse;font-size:12pt;margin:6pt 0 0 0;";
    private const string GridCell = "border:1px solid #000000;padding:2px 4px;vertical-align:top;";

    public static string Render(CompiledReport report, RenderOptions options) => Render(ReportDocument.Build(report, options));

    /// <summary>Any report laid out as an official document: a commune's report or a higher body's roll-up.</summary>
    public static string Render(ReportDocument document)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Encode($"{document.Title} {document.Subject}")).Append("</title>\n</head>\n")
            .Append("<body style=\"").Append(Page).Append("\">\n<div style=\"").Append(Sheet).Append("\">\n");

        Header(html, document);
        html.Append("<p style=\"margin:18pt 0 0 0;text-align:center;font-weight:bold;\">").Append(Encode(document.Title)).Append("</p>\n");
        html.Append("<p style=\"margin:0;text-align:center;font-weight:bold;\">").Append(Encode(document.Subject)).Append("</p>\n");
        html.Append("<hr style=\"width:24%;").Append(Rule).Append("\">\n");
        html.Append("<div style=\"height:12pt;\"></div>\n");

        foreach (var block in document.Body)
        {
            switch (block)
            {
                case ReportHeading heading:
                    html.Append("<h2 style=\"").Append(BodyText).Append("margin-top:9pt;font-size:14pt;font-weight:bold;\">")
                        .Append(Encode(heading.Text)).Append("</h2>\n");
                    break;
                case ReportSubheading subheading:
                    html.Append("<h3 style=\"").Append(BodyText).Append("font-size:14pt;font-weight:bold;\">")
                        .Append(Encode(subheading.Text)).Append("</h3>\n");
                    break;
                case ReportParagraph paragraph:
                    html.Append("<p style=\"").Append(BodyText).Append(paragraph.Italic ? "font-style:italic;" : "").Append("\">");
                    if (paragraph.Lead is { } lead) html.Append("<b>").Append(Encode(lead)).Append("</b>");
                    html.Append(Encode(paragraph.Text)).Append("</p>\n");
                    break;
                case ReportList list:
                    foreach (var item in list.Items)
                    {
                        html.Append("<p style=\"").Append(BodyText).Append(list.Italic ? "font-style:italic;" : "").Append("\">")
                            .Append(Encode($"- {item}")).Append("</p>\n");
                    }
                    break;
                case ReportTable table:
                    Table(html, table);
                    break;
                default:
                    throw new InvalidOperationException($"No HTML layout for {block.GetType().Name}.");
            }
        }

        Signature(html, document);
        html.Append("</div>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Header(StringBuilder html, ReportDocument document)
    {
        html.Append("<table role=\"presentation\" style=\"").Append(Layout).Append("\">\n<tr>\n")
            .Append("<td style=\"").Append(LayoutCell).Append("width:38%;font-size:13pt;\">\n")
            .Append("<p style=\"").Append(Line).Append("font-weight:bold;\">").Append(Encode(document.IssuingBody)).Append("</p>\n")
            .Append("<p style=\"").Append(Line).Append("font-weight:bold;\">").Append(Encode(document.IssuingUnit)).Append("</p>\n")
            .Append("<hr style=\"width:30%;").Append(Rule).Append("\">\n")
            // Non-breaking spaces keep the blank a draft leaves for the number ("Số:      /BC-UBND"); mail clients ignore white-space.
            .Append("<p style=\"").Append(Line).Append("margin-top:6pt;\">").Append(Encode(document.NumberLine).Replace(" ", "&nbsp;", StringComparison.Ordinal)).Append("</p>\n")
            .Append("</td>\n")
            .Append("<td style=\"").Append(LayoutCell).Append("width:62%;\">\n")
            .Append("<p style=\"").Append(Line).Append("font-weight:bold;font-size:13pt;white-space:nowrap;\">").Append(Encode(document.Nation)).Append("</p>\n")
            .Append("<p style=\"").Append(Line).Append("font-weight:bold;\">").Append(Encode(document.Motto)).Append("</p>\n")
            .Append("<hr style=\"width:55%;").Append(Rule).Append("\">\n")
            .Append("<p style=\"").Append(Line).Append("margin-top:6pt;font-style:italic;\">").Append(Encode(document.PlaceAndDate)).Append("</p>\n")
            .Append("</td>\n</tr>\n</table>\n");
    }

    private static void Table(StringBuilder html, ReportTable table)
    {
        var total = (decimal)table.Columns.Sum(c => c.Width);
        string Percent(int width) => (width * 100m / total).ToString("0.#", CultureInfo.InvariantCulture) + "%";

        html.Append("<table style=\"").Append(Grid).Append("\">\n<thead>\n<tr>\n");
        foreach (var column in table.Columns)
        {
            html.Append("<th style=\"").Append(GridCell).Append("width:").Append(Percent(column.Width))
                .Append(";text-align:center;vertical-align:middle;font-weight:bold;\">").Append(Encode(column.Header)).Append("</th>\n");
        }
        html.Append("</tr>\n</thead>\n<tbody>\n");

        foreach (var row in table.Rows)
        {
            html.Append("<tr>\n");
            if (row.IsGroup)
            {
                html.Append("<td colspan=\"").Append(table.Columns.Count.ToString(CultureInfo.InvariantCulture)).Append("\" style=\"")
                    .Append(GridCell).Append("font-weight:bold;\">").Append(Cell(row.Cells.Count > 0 ? row.Cells[0] : "")).Append("</td>\n");
            }
            else
            {
                for (var i = 0; i < table.Columns.Count; i++)
                {
                    html.Append("<td style=\"").Append(GridCell).Append("text-align:").Append(Align(table.Columns[i].Align)).Append(";\">")
                        .Append(Cell(i < row.Cells.Count ? row.Cells[i] : "")).Append("</td>\n");
                }
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    private static void Signature(StringBuilder html, ReportDocument document)
    {
        html.Append("<table role=\"presentation\" style=\"").Append(Layout).Append("margin-top:12pt;\">\n<tr>\n")
            .Append("<td style=\"").Append(LayoutCell).Append("width:47%;text-align:left;\">\n")
            .Append("<p style=\"").Append(Line).Append("font-weight:bold;font-style:italic;font-size:12pt;\">").Append(Encode(document.RecipientsHeading)).Append("</p>\n");
        foreach (var recipient in document.Recipients)
            html.Append("<p style=\"").Append(Line).Append("font-size:11pt;\">").Append(Encode(recipient)).Append("</p>\n");
        html.Append("</td>\n")
            .Append("<td style=\"").Append(LayoutCell).Append("width:53%;\">\n");
        foreach (var line in document.SignerAuthority.Append(document.SignerTitle))
            html.Append("<p style=\"").Append(Line).Append("font-weight:bold;\">").Append(Encode(line)).Append("</p>\n");
        html
            .Append("<div style=\"height:72pt;\"></div>\n")
            .Append("<p style=\"").Append(Line).Append("font-weight:bold;\">").Append(Encode(document.SignerName)).Append("</p>\n")
            .Append("</td>\n</tr>\n</table>\n");
    }

    private static string Align(CellAlign align) => align switch
    {
        CellAlign.Center => "center",
        CellAlign.Right => "right",
        _ => "left",
    };

    private static string Cell(string text) => string.Join("<br>", text.Split('\n').Select(Encode));

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
