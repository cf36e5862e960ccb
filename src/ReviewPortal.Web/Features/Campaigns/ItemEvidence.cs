using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// Everything a reviewer sees about one grant, frozen at launch: thirty days of activity, how
/// peers compare, the role context and the approval trail, plus the explained recommendation.
/// Stored as JSON on the item; its SHA-256 is what each decision records. <see cref="Overall"/> is there only where the
/// entitlement's own evidence is narrower than the identity's (a workspace role, an API key): elsewhere they are the same
/// figures, shown once.
/// </summary>
public sealed record ItemEvidence(
    DateTimeOffset AsOf,
    ActivityEvidence Activity,
    PeerEvidence Peers,
    RoleContext Role,
    IReadOnlyList<TrailEntry> Trail,
    RecommendationResult Recommendation,
    ActivityEvidence? Overall = null)
{
    public string ToJson() => JsonSerializer.Serialize(this, ItemEvidenceJson.Default.ItemEvidence);

    /// <summary>
    /// The JSON to store and its hash, from one UTF-8 serialization: a launch does this 100,000 times, and hashing the
    /// serializer's own bytes saves encoding each string back to UTF-8 (the hash is of the same bytes).
    /// </summary>
    public (string Json, string Hash) ToJsonAndHash()
    {
        var utf8 = JsonSerializer.SerializeToUtf8Bytes(this, ItemEvidenceJson.Default.ItemEvidence);
        return (Encoding.UTF8.GetString(utf8), Convert.ToHexStringLower(SHA256.HashData(utf8)));
    }

    public static ItemEvidence? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, ItemEvidenceJson.Default.ItemEvidence);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Hash(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
}

/// <summary>Compile-time serialization of the evidence (the web defaults: camelCase, numbers for enums).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ItemEvidence))]
internal sealed partial class ItemEvidenceJson : JsonSerializerContext;

/// <summary>
/// Thirty days of use: on <see cref="ItemEvidence.Activity"/> the entitlement's own (what <see cref="Source"/> says was
/// counted), on <see cref="ItemEvidence.Overall"/> the identity's. Evidence stored before usage was counted has no tokens
/// and no source (the defaults).
/// </summary>
/// <param name="LastActiveAt">Last use: the last feed event, or the start of the last UTC day with usage.</param>
/// <param name="ActiveDays">Days with a feed event or usage.</param>
/// <param name="Daily">Events per day, oldest first, ending on the as-of day (the sparkline).</param>
/// <param name="DailyTokens">Tokens per day, as <paramref name="Daily"/>; null when the evidence predates usage.</param>
public sealed record ActivityEvidence(
    DateTimeOffset? LastActiveAt,
    int? DaysSinceActive,
    int ActiveDays,
    int TotalEvents,
    int[] Daily,
    IReadOnlyDictionary<string, int> ByCategory,
    int AdminChangeEvents,
    long[]? DailyTokens = null,
    long Tokens = 0,
    long Requests = 0,
    int ClaudeCodeSessions = 0,
    string? Source = null);

/// <param name="Group">Who the peers are: the other holders of the same entitlement.</param>
/// <param name="PeerCount">Active peers the median is taken over (the holder excluded).</param>
/// <param name="Measure">What the median counts ("events and requests"); null on evidence from before.</param>
public sealed record PeerEvidence(string Group, int PeerCount, double PeerMedian, double? Ratio, string? Measure = null);

public sealed record RoleContext(
    string Kind,
    string? Department,
    string? Title,
    string? Manager,
    string? Owner,
    bool? OwnerEmployed,
    bool Employed,
    IReadOnlyList<string> OtherAccess);

public sealed record TrailEntry(DateTimeOffset At, string What, string? Who);

public sealed record RecommendationResult(Recommendation Recommendation, string Reason, string Rule, IReadOnlyDictionary<string, string> Inputs);
