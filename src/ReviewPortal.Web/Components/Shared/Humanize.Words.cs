using System.Globalization;
using System.Text;
using System.Text.Json;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Components.Shared;

// Words for any enum value and identifier, and the audit ledger's before/after in words (issue #15, 7).
public static partial class Humanize
{
    /// <summary>Any domain enum value in words: the specific wording where one exists, otherwise its name split into words.</summary>
    public static string Enum(Enum value) => value switch
    {
        IdentityKind kind => Kind(kind),
        ApproverKind kind => Approver(kind),
        ApprovalFlow flow => Flow(flow),
        DecisionOutcome outcome => Outcome(outcome),
        UnreviewedOutcome outcome => Unreviewed(outcome),
        ActivityCategory category => Category(category),
        EntitlementKind kind => GrantKind(kind),
        Recommendation recommendation => Recommended(recommendation),
        RemediationAction action => Remediation(action),
        RemediationStatus status => status == RemediationStatus.ManualRequired ? "Manual" : Words(status.ToString()),
        GrantSource source => Source(source),
        Platform platform => platform == Domain.Platform.ClaudeEnterprise ? "Claude Enterprise" : "Claude Console",
        OutboxStatus status => status == OutboxStatus.DeadLetter ? "Dead letter" : Words(status.ToString()),
        _ => Words(value.ToString()),
    };

    /// <summary>A kind of grant (entitlement) in words.</summary>
    public static string GrantKind(EntitlementKind kind) => kind switch
    {
        EntitlementKind.OrgRole => "Organization role",
        EntitlementKind.WorkspaceRole => "Workspace role",
        EntitlementKind.GroupMembership => "Group membership",
        EntitlementKind.Seat => "Seat",
        EntitlementKind.ApiKey => "API key",
        _ => Words(kind.ToString()),
    };

    /// <summary>A grant kind as stored by name (the review evidence's JSON: "ApiKey"), in words.</summary>
    public static string GrantKind(string stored) =>
        System.Enum.TryParse<EntitlementKind>(stored, ignoreCase: false, out var kind) ? GrantKind(kind) : Words(stored);

    /// <summary>The recommender's advice in words.</summary>
    public static string Recommended(Recommendation recommendation) => recommendation switch
    {
        Recommendation.LookCloser => "Look closer",
        _ => recommendation.ToString(),
    };

    /// <summary>What a remediation task does, in words.</summary>
    public static string Remediation(RemediationAction action) => action switch
    {
        RemediationAction.RemoveOrgUser => "Remove from the organization",
        RemediationAction.ChangeOrgRole => "Change organization role",
        RemediationAction.RemoveWorkspaceMember => "Remove from the workspace",
        RemediationAction.ChangeWorkspaceRole => "Change workspace role",
        RemediationAction.DeactivateApiKey => "Deactivate API key",
        RemediationAction.ArchiveApiKey => "Archive API key",
        RemediationAction.Manual => "Manual",
        _ => Words(action.ToString()),
    };

    /// <summary>Where a grant came from, in words.</summary>
    public static string Source(GrantSource source) => source switch
    {
        GrantSource.DirectorySync => "Directory sync",
        GrantSource.AccessRequest => "Access request",
        GrantSource.ActivityFeed => "Activity feed",
        _ => Words(source.ToString()),
    };

    /// <summary>
    /// An identifier (PascalCase, camelCase or kebab-case: <c>approvedRun</c>, <c>DueAt</c>, <c>AccessRequest</c>) in words,
    /// sentence case: "Approved run", "Due at", "Access request". Acronyms stay whole ("API key", "HTTP status").
    /// </summary>
    public static string Words(string identifier)
    {
        if (string.IsNullOrEmpty(identifier))
        {
            return identifier;
        }
        var words = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < identifier.Length; i++)
        {
            var c = identifier[i];
            if (c is '_' or '-' or ' ' or '.')
            {
                Flush();
                continue;
            }
            var boundary = current.Length > 0 && char.IsUpper(c)
                && (!char.IsUpper(current[^1]) || (i + 1 < identifier.Length && char.IsLower(identifier[i + 1])));
            if (boundary)
            {
                Flush();
            }
            current.Append(c);
        }
        Flush();
        var text = string.Join(' ', words.Select((w, i) => Acronyms.TryGetValue(w, out var a) ? a
            : w.All(char.IsUpper) && w.Length > 1 ? w
            : i == 0 ? char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant() : w.ToLowerInvariant()));
        return text;

        void Flush()
        {
            if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
    }

    private static readonly Dictionary<string, string> Acronyms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["api"] = "API", ["id"] = "id", ["nhi"] = "NHI", ["url"] = "URL", ["csv"] = "CSV", ["sha256"] = "SHA-256", ["http"] = "HTTP",
    };

    /// <summary>An audit entry's target type in words ("AccessRequest" → "Access request").</summary>
    public static string Target(string targetType) => Words(targetType);

    /// <summary>
    /// The justification stored on a decision, in words. A campaign's default at close stored the rule's enum name
    /// ("campaign default (NoChange)") before it stored words; both read the same here.
    /// </summary>
    public static string Justification(string? justification)
    {
        if (justification is null)
        {
            return "";
        }
        foreach (var rule in System.Enum.GetValues<UnreviewedOutcome>())
        {
            justification = justification.Replace($"campaign default ({rule})", $"campaign default ({Unreviewed(rule).ToLowerInvariant()})", StringComparison.Ordinal);
        }
        return justification;
    }

    /// <summary>One field of an audit entry that changed: its name and its value before and after, in words.</summary>
    public sealed record ChangedField(string Field, string? Before, string? After);

    /// <summary>
    /// An audit entry's before → after in words: field names in words, enum numbers as their words (for the fields whose
    /// enum the target type tells), dates formatted, nested values flattened, and the fields that did not change left out.
    /// The stored JSON is never rewritten (it is hash-chained); this only reads it.
    /// </summary>
    public static IReadOnlyList<ChangedField> Change(string targetType, string? before, string? after)
    {
        var was = Flatten(before);
        var now = Flatten(after);
        var fields = new List<ChangedField>();
        foreach (var name in was.Keys.Concat(now.Keys.Where(k => !was.ContainsKey(k))))
        {
            var old = was.GetValueOrDefault(name);
            var @new = now.GetValueOrDefault(name);
            if (old is not null && @new is not null && old.Value.Raw == @new.Value.Raw)
            {
                continue;
            }
            if (old is null && @new is { Raw: "null" })
            {
                continue; // an empty field recorded as such says nothing
            }
            fields.Add(new ChangedField(FieldWords(name), old is { } o ? Value(targetType, name, o) : null, @new is { } n ? Value(targetType, name, n) : null));
        }
        return fields;
    }

    private readonly record struct Leaf(JsonValueKind Kind, string Raw, string? Text);

    private static Dictionary<string, Leaf?> Flatten(string? json)
    {
        var leaves = new Dictionary<string, Leaf?>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return leaves;
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            Walk(document.RootElement, "");
        }
        catch (JsonException)
        {
            leaves["value"] = new Leaf(JsonValueKind.String, json, json);
        }
        return leaves;

        void Walk(JsonElement element, string path)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        Walk(property.Value, path.Length == 0 ? property.Name : path + "." + property.Name);
                    }
                    break;
                case JsonValueKind.Array:
                    var items = element.EnumerateArray().ToList();
                    var text = items.Count == 0 ? "none"
                        : items.All(i => i.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                            ? string.Join(", ", items.Select(i => i.ValueKind == JsonValueKind.String ? i.GetString() : i.GetRawText()))
                            : string.Join("; ", items.Select(i => i.ValueKind == JsonValueKind.Object
                                ? string.Join(", ", i.EnumerateObject().Select(p => $"{LowerFirst(Words(p.Name))} {Scalar(p.Value)}"))
                                : Scalar(i)));
                    leaves[path.Length == 0 ? "value" : path] = new Leaf(JsonValueKind.Array, element.GetRawText(), text);
                    break;
                case JsonValueKind.String when element.GetString()!.TrimStart() is { Length: > 0 } nested && nested[0] is '{' or '[' && ParseOrNull(nested) is { } inner:
                    // A field that stores JSON as text (a run's details) reads like the rest, not as JSON.
                    using (inner)
                    {
                        Walk(inner.RootElement, path);
                    }
                    break;
                default:
                    leaves[path.Length == 0 ? "value" : path] = new Leaf(element.ValueKind, element.GetRawText(),
                        element.ValueKind == JsonValueKind.String ? element.GetString() : null);
                    break;
            }
        }
    }

    private static JsonDocument? ParseOrNull(string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Scalar(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => DateText(element.GetString()!) ?? element.GetString()!,
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Null => "—",
        _ => element.GetRawText(),
    };

    /// <summary>"Name" → "name" inside a phrase; an acronym ("SHA-256", "API key") stays as it is.</summary>
    private static string LowerFirst(string words) =>
        words.Length > 1 && char.IsUpper(words[0]) && char.IsLower(words[1]) ? char.ToLowerInvariant(words[0]) + words[1..] : words;

    private static string FieldWords(string path) => string.Join(" › ", path.Split('.').Select(Words));

    private static string Value(string targetType, string path, Leaf? leaf)
    {
        if (leaf is not { } value)
        {
            return "—";
        }
        switch (value.Kind)
        {
            case JsonValueKind.Null:
                return "—";
            case JsonValueKind.True:
                return "yes";
            case JsonValueKind.False:
                return "no";
            case JsonValueKind.Array:
                return value.Text!;
            case JsonValueKind.String:
                return DateText(value.Text!) ?? value.Text!;
            case JsonValueKind.Number:
                var field = path.Split('.')[^1];
                if (EnumOf(targetType, field) is { } type && int.TryParse(value.Raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
                    && System.Enum.IsDefined(type, number))
                {
                    return Enum((Enum)System.Enum.ToObject(type, number));
                }
                return decimal.TryParse(value.Raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                    ? d.ToString(d == decimal.Truncate(d) ? "#,0" : "#,0.###", CultureInfo.InvariantCulture) : value.Raw;
            default:
                return value.Raw;
        }
    }

    /// <summary>A stored ISO-8601 timestamp as the portal writes dates; null when the text is not one.</summary>
    private static string? DateText(string text) =>
        text.Length >= 19 && text[4] == '-' && text[10] == 'T'
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? DateTime(at) : null;

    /// <summary>The enum a numeric field of an entry on <paramref name="targetType"/> holds (the ledger stores enums as numbers).</summary>
    private static Type? EnumOf(string targetType, string field) => (targetType, field.ToLowerInvariant()) switch
    {
        (_, "unreviewedoutcome") => typeof(UnreviewedOutcome),
        (_, "outcome") => typeof(DecisionOutcome),
        (_, "recommendation") => typeof(Recommendation),
        (_, "flow") => typeof(ApprovalFlow),
        (_, "scope") => typeof(ApprovalPolicyScope),
        (_, "schedule") => typeof(TemplateSchedule),
        (_, "approverkind") => typeof(ApproverKind),
        (_, "reviewerrule") => typeof(ReviewerRule),
        (_, "reminders" or "remindercadence") => typeof(ReminderCadence),
        ("RemediationTask", "action") => typeof(RemediationAction),
        ("RemediationTask", "status") => typeof(RemediationStatus),
        ("IngestionRun", "status") => typeof(IngestionRunStatus),
        ("OutboxEmail", "status") => typeof(OutboxStatus),
        ("AccessRequest", "status") => typeof(AccessRequestStatus),
        ("ApprovalStep", "status") => typeof(ApprovalStatus),
        ("Campaign", "status") => typeof(CampaignStatus),
        ("Identity", "kind") => typeof(IdentityKind),
        ("Identity", "employmentstatus" or "status") => typeof(EmploymentStatus),
        ("Entitlement", "kind") => typeof(EntitlementKind),
        (_, "source") => typeof(GrantSource),
        _ => null,
    };
}

public static partial class Humanize
{
    [System.Text.RegularExpressions.GeneratedRegex(@"^(?<status>\d{3}) (?<type>\(no error type\)|\S+): (?<message>.*)$", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex ApiFailure();

    /// <summary>
    /// A run's recorded failure in words. A Claude API failure is stored as "429 rate_limit_error: message"
    /// (<c>ClaudeApiException.Summary</c>); it reads "Rate limit error (HTTP 429): message". Other errors are already sentences.
    /// </summary>
    public static string Failure(string error)
    {
        var match = ApiFailure().Match(error);
        if (!match.Success)
        {
            return error;
        }
        var type = match.Groups["type"].Value;
        var words = type.StartsWith('(') ? "Error" : Words(type);
        return $"{words} (HTTP {match.Groups["status"].Value}): {match.Groups["message"].Value}";
    }

    /// <summary>A run's stored details (JSON) as "Field: value" phrases, at most <paramref name="max"/> of them.</summary>
    public static IReadOnlyList<string> Details(string targetType, string? json, int max = 6) =>
        Change(targetType, null, json).Where(f => f.After is not null and not "—" and not "none").Take(max)
            .Select(f => $"{f.Field}: {f.After}").ToList();
}
