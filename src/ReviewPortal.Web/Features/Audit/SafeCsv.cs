using CsvHelper;

namespace ReviewPortal.Web.Features.Audit;

/// <summary>
/// Every CSV the portal hands out (audit exports, evidence packs): RFC 4180, UTF-8, and cells
/// starting with =, +, -, @, tab or CR escaped with an apostrophe (CsvHelper's OWASP injection
/// guard) so a spreadsheet shows them as text instead of running them.
/// </summary>
public static class SafeCsv
{
    public static readonly CsvWriterOptions Options = new() { Injection = CsvInjection.Escape };

    public static CsvWriter Create(Stream stream, bool leaveOpen = true) => CsvWriter.Create(stream, Options, leaveOpen);
}
