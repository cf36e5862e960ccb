using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Domain;

/// <summary>
/// The next runs of each schedule. Rule for month ends: each run is counted from the start date (start + k months), so a
/// template starting on the 31st runs on the month's last day when the month is shorter (28 or 29 February, 30 April) and on
/// the 31st again when the month has one; it never drifts. Runs are days at 00:00 UTC; a cron is read in UTC.
/// </summary>
public class CampaignTemplateScheduleTests
{
    private static DateTimeOffset Day(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<DateTimeOffset> First(TemplateSchedule schedule, DateOnly start, int count, string? cron = null) =>
        CampaignTemplate.NextRuns(schedule, cron, start, Day(start.Year, start.Month, start.Day).AddTicks(-1), count);

    [Fact]
    public void Monthly_StartingJanuary31_LastDayOfShorterMonthsThenThe31stAgain()
    {
        Assert.Equal([Day(2027, 1, 31), Day(2027, 2, 28), Day(2027, 3, 31), Day(2027, 4, 30), Day(2027, 5, 31)],
            First(TemplateSchedule.Monthly, new DateOnly(2027, 1, 31), 5));
    }

    [Fact]
    public void Monthly_StartingJanuary31OfALeapYear_February29()
    {
        Assert.Equal(Day(2028, 2, 29), First(TemplateSchedule.Monthly, new DateOnly(2028, 1, 31), 2)[1]);
    }

    [Fact]
    public void Quarterly_EveryThreeMonthsFromTheStart()
    {
        Assert.Equal([Day(2026, 12, 1), Day(2027, 3, 1), Day(2027, 6, 1), Day(2027, 9, 1), Day(2027, 12, 1)],
            First(TemplateSchedule.Quarterly, new DateOnly(2026, 12, 1), 5));
    }

    [Fact]
    public void Quarterly_StartingNovember30_February28ThenBackToThe30th()
    {
        Assert.Equal([Day(2026, 11, 30), Day(2027, 2, 28), Day(2027, 5, 30), Day(2027, 8, 30)],
            First(TemplateSchedule.Quarterly, new DateOnly(2026, 11, 30), 4));
    }

    [Fact]
    public void SemiAnnual_StartingAugust31_February28ThenAugust31()
    {
        Assert.Equal([Day(2027, 8, 31), Day(2028, 2, 29), Day(2028, 8, 31), Day(2029, 2, 28)],
            First(TemplateSchedule.SemiAnnual, new DateOnly(2027, 8, 31), 4));
    }

    [Fact]
    public void Annual_StartingFebruary29_February28InOrdinaryYears()
    {
        Assert.Equal([Day(2028, 2, 29), Day(2029, 2, 28), Day(2030, 2, 28), Day(2031, 2, 28), Day(2032, 2, 29)],
            First(TemplateSchedule.Annual, new DateOnly(2028, 2, 29), 5));
    }

    [Fact]
    public void Cron_OccurrencesInUtcFromTheStartDate()
    {
        Assert.Equal([Day(2027, 1, 1, 6), Day(2027, 3, 1, 6), Day(2027, 5, 1, 6)],
            First(TemplateSchedule.Cron, new DateOnly(2026, 12, 2), 3, cron: "0 6 1 */2 *"));
    }

    [Fact]
    public void Cron_StartDateItselfMatching_IsTheFirstRun()
    {
        Assert.Equal(Day(2026, 12, 1, 0), First(TemplateSchedule.Cron, new DateOnly(2026, 12, 1), 1, cron: "0 0 1 * *")[0]);
    }

    [Fact]
    public void NextRunAfter_JobDownForTwoQuarters_SkipsTheMissedRunsInsteadOfLaunchingThemAll()
    {
        var template = new CampaignTemplate { Name = "t", Schedule = TemplateSchedule.Quarterly, StartsOn = new DateOnly(2026, 12, 1) };

        Assert.Equal(Day(2027, 3, 1), template.NextRunAfter(Day(2026, 12, 1), Day(2026, 12, 1, 1)));
        Assert.Equal(Day(2027, 9, 1), template.NextRunAfter(Day(2026, 12, 1), Day(2027, 7, 15)));
    }
}
