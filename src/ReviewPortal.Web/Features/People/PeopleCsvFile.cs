using System.Globalization;
using System.Net.Mail;
using CsvHelper;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.People;

/// <summary>
/// A people file an HR team can export from anything: one row per person, columns <c>email, name, department, title,
/// manager_email, status, left_date</c> (header names case-insensitive, spaces and underscores ignored; department,
/// title, manager, status and left date may be left empty). Read whole before anything is used: one bad row refuses the
/// file, with every bad row listed by its line number, so a half-applied directory never exists.
/// </summary>
public static class PeopleCsvFile
{
    /// <summary>A file this long is a mistake (or an attack), not an organization.</summary>
    public const int MaxRows = 200_000;

    private static readonly string[] Required = ["email", "name"];

    public sealed record Error(int Line, string Message)
    {
        public override string ToString() => Line == 0 ? Message : $"Line {Line}: {Message}";
    }

    /// <summary>The people, keyed by lower-cased email, or the errors (never both).</summary>
    public sealed record Result(PeopleRead? Read, IReadOnlyList<Error> Errors)
    {
        public bool IsValid => Errors.Count == 0;
    }

    public static Result Read(TextReader text)
    {
        var errors = new List<Error>();
        var options = CsvReaderOptions.Default with
        {
            NormalizeHeaderName = Normalize,
            TrimWhitespace = true,
            TrackLineNumbers = true,
            // Every badly quoted row is reported (and its values not trusted); the file is then refused whole.
            MalformedData = CsvMalformedDataHandling.Skip,
            OnMalformedRecord = bad => errors.Add(new Error((int)bad.LineNumber, Malformed(bad.Reason))),
        };
        using var csv = CsvReader.Create(text, options, leaveOpen: true);
        var header = csv.Headers.Select(Normalize).ToList();
        if (header.Count == 0)
        {
            return new Result(null, [new Error(0, "The file is empty: it needs a header row (email, name, department, title, manager_email, status, left_date).")]);
        }
        var missing = Required.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            return new Result(null, [new Error(1, $"The header has no {string.Join(" or ", missing.Select(c => $"'{c}'"))} column.")]);
        }
        var column = header.Select((name, index) => (name, index)).DistinctBy(c => c.name).ToDictionary(c => c.name, c => c.index);
        var rows = new List<(int Line, SourcePerson Person, string? ManagerEmail)>();
        var lineByEmail = new Dictionary<string, int>(StringComparer.Ordinal);
        while (csv.Read())
        {
            var line = (int)csv.LineNumber;
            if (rows.Count >= MaxRows)
            {
                errors.Add(new Error(line, $"the file has more than {MaxRows:N0} people; split it or use the Entra ID source."));
                break;
            }
            string? Field(string name) => column.TryGetValue(name, out var index) && !csv.IsEmpty(index) && csv.GetString(index).Trim() is { Length: > 0 } value
                ? value : null;
            var rowErrors = new List<string>();
            var email = Field("email")?.ToLowerInvariant();
            if (email is null)
            {
                rowErrors.Add("email is empty.");
            }
            else if (!MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
            {
                rowErrors.Add($"'{Shorten(email)}' is not an email address.");
            }
            else if (email.Length > MaxLengths.DirectoryPerson.SourceId)
            {
                rowErrors.Add($"the email address is longer than {MaxLengths.DirectoryPerson.SourceId} characters.");
            }
            else if (lineByEmail.TryGetValue(email, out var first))
            {
                rowErrors.Add($"{email} is already on line {first}.");
            }
            var name = Field("name");
            if (name is null) rowErrors.Add("name is empty.");
            else if (name.Length > MaxLengths.DirectoryPerson.FullName) rowErrors.Add($"name is longer than {MaxLengths.DirectoryPerson.FullName} characters.");
            var department = Field("department");
            if (department?.Length > MaxLengths.DirectoryPerson.Department) rowErrors.Add($"department is longer than {MaxLengths.DirectoryPerson.Department} characters.");
            var title = Field("title");
            if (title?.Length > MaxLengths.DirectoryPerson.Title) rowErrors.Add($"title is longer than {MaxLengths.DirectoryPerson.Title} characters.");
            var manager = Field("manageremail")?.ToLowerInvariant();
            if (manager is not null && manager == email) rowErrors.Add("a person cannot be their own manager.");
            var status = Field("status")?.ToLowerInvariant();
            var employed = status switch
            {
                null or "active" => true,
                "left" => false,
                _ => (bool?)null,
            };
            if (employed is null) rowErrors.Add($"status '{Shorten(status!)}' is neither 'active' nor 'left'.");
            DateTimeOffset? leftAt = null;
            if (Field("leftdate") is { } left)
            {
                if (DateOnly.TryParseExact(left, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    leftAt = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                }
                else
                {
                    rowErrors.Add($"left_date '{Shorten(left)}' is not a date like 2026-11-30.");
                }
            }
            if (rowErrors.Count > 0)
            {
                errors.AddRange(rowErrors.Select(e => new Error(line, e)));
                continue;
            }
            lineByEmail[email!] = line;
            rows.Add((line, new SourcePerson(email!, email!, name!, department, title, null, employed!.Value, employed.Value ? null : leftAt), manager));
        }
        // Managers are named by email and must be people of the same file: a typo would otherwise leave a team with nobody.
        foreach (var (line, _, managerEmail) in rows.Where(r => r.ManagerEmail is not null && !lineByEmail.ContainsKey(r.ManagerEmail)))
        {
            errors.Add(new Error(line, $"manager {Shorten(managerEmail!)} is not in the file."));
        }
        if (errors.Count > 0)
        {
            return new Result(null, [.. errors.OrderBy(e => e.Line)]);
        }
        var people = rows.Select(r => r.Person with { ManagerSourceId = r.ManagerEmail }).ToList();
        return new Result(new PeopleRead(people, [], IsComplete: true, NextDeltaLink: null), []);
    }

    private static string Malformed(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.FieldCountMismatch => "the row has a different number of columns from the header.",
        CsvMalformedReason.UnterminatedQuote => "a quoted value is never closed.",
        _ => "a quote is out of place (put values with commas or quotes in double quotes, and double any quote inside).",
    };

    private static string Normalize(string header) =>
        header.Replace(" ", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).Trim().ToLowerInvariant();

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..60] + "…";
}
