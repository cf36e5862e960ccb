using System.Text.Json;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// The evidence is serialized by compiled code since the launch had to get faster: the JSON stays exactly what the
/// reflection serializer wrote before, so evidence stored by earlier releases reads back and re-hashes the same.
/// </summary>
public class ItemEvidenceJsonTests
{
    private static readonly DateTimeOffset AsOf = new(2026, 12, 1, 9, 30, 0, TimeSpan.Zero);

    private static ItemEvidence Evidence()
    {
        var daily = new int[30];
        daily[29] = 3;
        var tokens = new long[30];
        tokens[28] = 1_500_000;
        var activity = new ActivityEvidence(AsOf.AddDays(-1), 1, 2, 3, daily, new Dictionary<string, int> { ["Chat & content"] = 3 }, 0,
            tokens, 1_500_000, 12, 1, "Usage of this key (usage report) and its feed events");
        var overall = activity with { Source = EntitlementEvidencePolicy.OverallSource };
        return new ItemEvidence(AsOf, activity, new PeerEvidence("holders of prod key", 4, 10.5, 1.2, "events and requests"),
            new RoleContext("ApiKey", null, null, null, "Ada Byron", true, true, ["prod: workspace_developer"]),
            [new TrailEntry(AsOf.AddDays(-90), "Holds prod key", null)],
            new RecommendationResult(Recommendation.Keep, "Keep: used 2 of 30 days", "in-use", new Dictionary<string, string> { ["active days"] = "2 of 30" }),
            overall);
    }

    [Fact]
    public void ToJsonAndHash_WritesWhatTheReflectionSerializerWrote_AndHashesThoseBytes()
    {
        var evidence = Evidence();

        var (json, hash) = evidence.ToJsonAndHash();

        Assert.Equal(JsonSerializer.Serialize(evidence, new JsonSerializerOptions(JsonSerializerDefaults.Web)), json);
        Assert.Equal(evidence.ToJson(), json);
        Assert.Equal(ItemEvidence.Hash(json), hash);
    }

    [Fact]
    public void FromJson_ReadsTheStoredJsonBack_ToTheSameJson()
    {
        var json = Evidence().ToJson();

        var read = ItemEvidence.FromJson(json)!;

        Assert.Equal(json, read.ToJson());
        Assert.Equal(1_500_000, read.Activity.DailyTokens![28]);
        Assert.Equal(EntitlementEvidencePolicy.OverallSource, read.Overall!.Source);
        Assert.Null(ItemEvidence.FromJson("{not json"));
    }
}
