using System.Globalization;
using Bunit;
using ReviewPortal.Web.Features.Campaigns;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// The campaign burndown: undecided items per day since launch against the even pace to the due date, readable on a
/// campaign launched today and on one 30 days old (the chart used to be blank: one point, no pace line, an odd axis).
/// </summary>
public sealed class BurndownTests : BunitContext
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public void LaunchedToday_RunsToTheDueDate_WithOnlyTodayKnown()
    {
        var decided = Enumerable.Repeat(Now.AddHours(-1), 10);

        var points = Burndown.For(decided, 120, Now.AddHours(-6), Now.AddDays(30), closedAt: null, Now);

        Assert.Equal(31, points.Count);
        Assert.Equal((new DateOnly(2026, 12, 7), 110, 120.0), (points[0].Day, points[0].Remaining, points[0].Ideal));
        Assert.All(points.Skip(1), p => Assert.Null(p.Remaining));
        Assert.Equal((new DateOnly(2027, 1, 6), 0.0), (points[^1].Day, points[^1].Ideal));
        Assert.Equal(60, points[15].Ideal);
    }

    [Fact]
    public void ThirtyDaysOld_CountsWhatWasUndecidedAtTheEndOfEachDay()
    {
        var launched = Now.AddDays(-30);
        // Three a day for 30 days, none today: 90 of 100 decided.
        var decided = Enumerable.Range(0, 30).SelectMany(day => Enumerable.Repeat(launched.AddDays(day).AddMinutes(5), 3)).ToList();

        var points = Burndown.For(decided, 100, launched, Now, closedAt: null, Now);

        Assert.Equal(31, points.Count);
        Assert.Equal(97, points[0].Remaining);
        Assert.Equal(10, points[29].Remaining);
        Assert.Equal(10, points[30].Remaining);
        Assert.Equal((100.0, 0.0), (points[0].Ideal, points[30].Ideal));
    }

    [Fact]
    public void Overdue_RunsOnToToday_AndClosed_StopsCountingAtTheClose()
    {
        var launched = Now.AddDays(-20);
        var overdue = Burndown.For([], 10, launched, Now.AddDays(-5), closedAt: null, Now);
        var closed = Burndown.For([], 10, launched, Now.AddDays(5), closedAt: Now.AddDays(-10), Now);

        Assert.Equal((21, 10, 0.0), (overdue.Count, overdue[^1].Remaining!.Value, overdue[^1].Ideal));
        Assert.Equal(26, closed.Count);
        Assert.Equal(11, closed.Count(p => p.Remaining is not null));
    }

    [Fact]
    public void Chart_OfACampaignLaunchedToday_DrawsThePaceToTheDueDate_TodaysPoint_AndAnAxisFromZeroToEveryItem()
    {
        var points = Burndown.For(Enumerable.Repeat(Now, 10), 120, Now.AddHours(-6), Now.AddDays(30), null, Now);

        var chart = Render<BurndownChart>(p => p.Add(c => c.Points, points).Add(c => c.Items, 120));

        Assert.Equal(31, chart.Find("[data-testid=burndown-pace]").GetAttribute("points")!.Split(' ').Length);
        Assert.Single(chart.FindAll("[data-testid=burndown-latest]"));
        Assert.Empty(chart.FindAll("[data-testid=burndown-undecided]")); // one day is a point, not a line
        Assert.Equal(["0", "60", "120"], chart.FindAll("[data-testid=burndown-y-label]").Select(l => l.TextContent));
        Assert.Equal(["7 Dec", "6 Jan"], chart.FindAll("[data-testid=burndown-x-label]").Select(l => l.TextContent));
        Assert.Contains("110 of 120 items undecided on 7 Dec", chart.Find("svg").GetAttribute("aria-label"), StringComparison.Ordinal);
    }

    [Fact]
    public void Chart_OfA30DayOldCampaign_DrawsBothLinesThroughEveryDay()
    {
        var launched = Now.AddDays(-30);
        var decided = Enumerable.Range(0, 30).SelectMany(day => Enumerable.Repeat(launched.AddDays(day).AddMinutes(5), 3)).ToList();
        var points = Burndown.For(decided, 100, launched, Now, null, Now);

        var chart = Render<BurndownChart>(p => p.Add(c => c.Points, points).Add(c => c.Items, 100));

        var undecided = chart.Find("[data-testid=burndown-undecided]").GetAttribute("points")!.Split(' ');
        var pace = chart.Find("[data-testid=burndown-pace]").GetAttribute("points")!.Split(' ');
        Assert.Equal((31, 31), (undecided.Length, pace.Length));
        // The pace falls from the top of the axis (every item) to its bottom (none); the undecided line ends above it.
        var y = (string point) => double.Parse(point.Split(',')[1], CultureInfo.InvariantCulture);
        Assert.True(y(pace[0]) < y(pace[^1]));
        Assert.True(y(undecided[^1]) < y(pace[^1]));
    }
}
