using ReviewPortal.Claude.Models;

namespace ReviewPortal.Tests.Claude;

/// <summary>Query strings for the Activity Feed follow §1.4.1 exactly.</summary>
public class ActivityQueryTests
{
    [Fact]
    public void ToQueryString_AllFilters_UsesBracketArraysDottedTimesAndEncodesValues()
    {
        var query = new ActivityQuery
        {
            ActivityTypes = ["claude_chat_created", "sso_login_succeeded"],
            ActorIds = ["user_01"],
            OrganizationIds = ["org_01", "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b"],
            CreatedAtGte = new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero),
            CreatedAtLt = new DateTimeOffset(2026, 4, 1, 2, 0, 0, TimeSpan.FromHours(2)),
            AfterId = "activity_01+x",
            Limit = 5000,
            Order = ActivityOrder.Asc,
        };

        var text = query.ToQueryString();

        Assert.Equal(
            "activity_types[]=claude_chat_created&activity_types[]=sso_login_succeeded&actor_ids[]=user_01" +
            "&organization_ids[]=org_01&organization_ids[]=6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b" +
            "&created_at.gte=2026-04-01T00%3A00%3A00Z&created_at.lt=2026-04-01T00%3A00%3A00Z" +
            "&after_id=activity_01%2Bx&limit=5000&order=asc",
            text);
    }

    [Fact]
    public void ToQueryString_Empty_IsEmpty() => Assert.Equal("", new ActivityQuery().ToQueryString());

    [Fact]
    public void ToQueryString_GtLteAndExclude_AreSent()
    {
        var text = new ActivityQuery
        {
            ExcludeActivityTypes = ["compliance_api_accessed"],
            CreatedAtGt = new DateTimeOffset(2026, 4, 1, 0, 0, 0, 500, TimeSpan.Zero),
            CreatedAtLte = new DateTimeOffset(2026, 4, 2, 0, 0, 0, TimeSpan.Zero),
            BeforeId = "activity_9",
            Order = ActivityOrder.Desc,
        }.ToQueryString();

        Assert.Contains("exclude_activity_types[]=compliance_api_accessed", text, StringComparison.Ordinal);
        Assert.Contains("created_at.gt=2026-04-01T00%3A00%3A00.5Z", text, StringComparison.Ordinal);
        Assert.Contains("created_at.lte=2026-04-02T00%3A00%3A00Z", text, StringComparison.Ordinal);
        Assert.Contains("before_id=activity_9", text, StringComparison.Ordinal);
        Assert.Contains("order=desc", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToQueryString_IncludeAndExcludeTogether_Throws() =>
        Assert.Throws<ArgumentException>(() => new ActivityQuery { ActivityTypes = ["a"], ExcludeActivityTypes = ["b"] }.ToQueryString());

    [Fact]
    public void ToQueryString_AfterAndBeforeTogether_Throws() =>
        Assert.Throws<ArgumentException>(() => new ActivityQuery { AfterId = "a", BeforeId = "b" }.ToQueryString());

    [Theory]
    [InlineData(0)]
    [InlineData(5001)]
    public void ToQueryString_LimitOutOfRange_Throws(int limit) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ActivityQuery { Limit = limit }.ToQueryString());
}
