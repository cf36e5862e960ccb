using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Components.Shared;

/// <summary>Issue #15, 7: the one humanizer says enum values, identifiers, stored justifications and audit changes in words.</summary>
public sealed class HumanizeWordsTests
{
    [Theory]
    [InlineData("approvedRun", "Approved run")]
    [InlineData("DueAt", "Due at")]
    [InlineData("AccessRequest", "Access request")]
    [InlineData("LastRequestId", "Last request id")]
    [InlineData("connector.activity-run", "Connector activity run")]
    [InlineData("ApiKeyUse", "API key use")]
    public void Words_Identifier_SentenceCaseWords(string identifier, string expected) =>
        Assert.Equal(expected, Humanize.Words(identifier));

    [Fact]
    public void Enum_EveryDomainEnumValue_HasNoMultiWordIdentifierLeft()
    {
        var values = typeof(Identity).Assembly.GetTypes().Where(t => t.IsEnum && t.Namespace == typeof(Identity).Namespace)
            .SelectMany(t => System.Enum.GetValues(t).Cast<System.Enum>());
        Assert.All(values, v => Assert.DoesNotMatch(@"[a-z][A-Z]", Humanize.Enum(v)));
        Assert.Equal("Look closer", Humanize.Enum(Recommendation.LookCloser));
        Assert.Equal("Don't know", Humanize.Enum(DecisionOutcome.DontKnow));
        Assert.Equal("Organization role", Humanize.Enum(EntitlementKind.OrgRole));
        Assert.Equal("API key", Humanize.Enum(EntitlementKind.ApiKey));
    }

    [Theory]
    [InlineData("No response by the due date: campaign default (Revoke).", "No response by the due date: campaign default (revoke).")]
    [InlineData("No response by the due date: campaign default (TakeRecommendation).", "No response by the due date: campaign default (take the recommendation).")]
    [InlineData("No response by the due date: campaign default (revoke).", "No response by the due date: campaign default (revoke).")]
    [InlineData("Not used since March.", "Not used since March.")]
    public void Justification_StoredBeforeOrAfterWords_ReadsTheSame(string stored, string shown) =>
        Assert.Equal(shown, Humanize.Justification(stored));

    [Fact]
    public void Default_AtClose_StoresTheRuleInWords()
    {
        var item = new ReviewItem { RecommendationReason = "r", EvidenceHash = "h", Recommendation = Recommendation.Revoke };

        var decision = item.Default(UnreviewedOutcome.TakeRecommendation, null, 1, DateTimeOffset.UnixEpoch);

        Assert.Equal("No response by the due date: campaign default (take the recommendation).", decision!.Justification);
    }

    [Fact]
    public void Change_NumericEnumsDatesAndUnchangedFields_InWords()
    {
        var before = """{"status":3,"DueAt":"2026-12-01T00:00:00+00:00","note":"same"}""";
        var after = """{"status":5,"DueAt":"2026-12-15T09:30:00+00:00","note":"same","Outcome":4,"name":"Q4 \u2013 review","approvedRun":null}""";

        var change = Humanize.Change("RemediationTask", before, after);

        Assert.Equal(
            [
                new Humanize.ChangedField("Status", "Failed", "Verified"),
                new Humanize.ChangedField("Due at", "2026-12-01 00:00 UTC", "2026-12-15 09:30 UTC"),
                new Humanize.ChangedField("Outcome", null, "Don't know"),
                new Humanize.ChangedField("Name", null, "Q4 – review"),
            ], change);
    }

    [Fact]
    public void Change_NestedObjectsAndArrays_Flattened()
    {
        var change = Humanize.Change("IngestionRun", null, """{"reconciled":{"Capped":false},"skipped":["a","b"],"files":[{"Name":"x.csv","Sha256":"ab"}]}""");

        Assert.Equal(
            [
                new Humanize.ChangedField("Reconciled › Capped", null, "no"),
                new Humanize.ChangedField("Skipped", null, "a, b"),
                new Humanize.ChangedField("Files", null, "name x.csv, SHA-256 ab"),
            ], change);
    }

    [Fact]
    public void Change_TextHoldingJson_ReadAsFieldsToo()
    {
        var change = Humanize.Change("IngestionRun", null, """{"Status":1,"Details":"{\"anomalies\":0,\"reconciled\":{\"Capped\":true}}"}""");

        Assert.Equal(
            [
                new Humanize.ChangedField("Status", null, "Succeeded"),
                new Humanize.ChangedField("Details › Anomalies", null, "0"),
                new Humanize.ChangedField("Details › Reconciled › Capped", null, "yes"),
            ], change);
    }

    [Theory]
    [InlineData("429 rate_limit_error: Slow down", "Rate limit error (HTTP 429): Slow down")]
    [InlineData("500 (no error type): (no message)", "Error (HTTP 500): (no message)")]
    [InlineData("Would mark 5 of 9 employed people departed.", "Would mark 5 of 9 employed people departed.")]
    public void Failure_ApiSummary_InWords(string stored, string shown) => Assert.Equal(shown, Humanize.Failure(stored));
}
