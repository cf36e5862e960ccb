using Bunit;
using MudBlazor.Services;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Identities;

namespace ReviewPortal.Tests.Features.Identities;

public class ActivityChartTests : BunitContext
{
    private static readonly DateOnly To = DateOnly.FromDateTime(PortalAppFactory.Now.UtcDateTime);
    private static readonly DateOnly From = To.AddDays(-29);

    public ActivityChartTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    /// <summary>Thirty days, of which the given ones have events.</summary>
    private static ActivitySummary Summary(DateTimeOffset? lastActive, params (int Offset, ActivityCategory Category, int Count)[] events)
    {
        var days = Enumerable.Range(0, 30).Select(offset =>
        {
            var counts = events.Where(e => e.Offset == offset).ToDictionary(e => e.Category, e => e.Count);
            return new DailyActivity(From.AddDays(offset), counts);
        }).ToList();
        return new ActivitySummary(From, To, days, lastActive);
    }

    private IRenderedComponent<ActivityChart> Render(ActivitySummary activity) =>
        Render<ActivityChart>(p => p.Add(c => c.Activity, activity).Add(c => c.Now, PortalAppFactory.Now));

    [Fact]
    public void ActivityChart_ThreeActiveDays_SummarisesDaysEventsAndLastActive()
    {
        var activity = Summary(PortalAppFactory.Now.AddDays(-3).AddHours(-3),
            (5, ActivityCategory.SignIn, 2), (5, ActivityCategory.ChatAndContent, 10),
            (20, ActivityCategory.ApiKeyUse, 100),
            (26, ActivityCategory.SignIn, 1));

        var cut = Render(activity);

        var summary = cut.Find("[data-testid=activity-chart-summary]").TextContent.Trim();
        Assert.Equal("Active 3 of 30 days · 113 events · last active 2026-11-23 (3 days ago)", summary);
        Assert.Empty(cut.FindAll("[data-testid=activity-chart-empty]"));
    }

    [Fact]
    public void ActivityChart_ThreeActiveDays_TableHasOneRowPerActiveDay()
    {
        var activity = Summary(null,
            (5, ActivityCategory.SignIn, 2), (5, ActivityCategory.ChatAndContent, 10),
            (20, ActivityCategory.ApiKeyUse, 100),
            (26, ActivityCategory.SignIn, 1));

        var cut = Render(activity);

        var rows = cut.FindAll("[data-testid=activity-table] tbody tr");
        Assert.Equal(3, rows.Count);
        Assert.Equal(
            [From.AddDays(5).ToString("yyyy-MM-dd"), From.AddDays(20).ToString("yyyy-MM-dd"), From.AddDays(26).ToString("yyyy-MM-dd")],
            rows.Select(r => r.QuerySelector("th")!.TextContent));
        Assert.Equal("12", rows[0].QuerySelectorAll("td").Last().TextContent);
        // Columns: the categories that occur, busiest first, then the total.
        var headers = cut.FindAll("[data-testid=activity-table] thead th").Select(h => h.TextContent).ToList();
        Assert.Equal(["Day", "API use", "Chat & content", "Sign-in", "Total"], headers);
        Assert.EndsWith("never active", cut.Find("[data-testid=activity-chart-summary]").TextContent.Trim());
    }

    [Fact]
    public void ActivityChart_NoActivity_ShowsEmptyStateAndNoTable()
    {
        var cut = Render(Summary(null));

        Assert.Equal("Active 0 of 30 days · 0 events · never active", cut.Find("[data-testid=activity-chart-summary]").TextContent.Trim());
        Assert.Equal("No activity in the last 30 days.", cut.Find("[data-testid=activity-chart-empty]").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid=activity-table]"));
    }
}
