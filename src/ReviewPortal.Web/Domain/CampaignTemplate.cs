using Cronos;

namespace ReviewPortal.Web.Domain;

/// <summary>
/// A recurring campaign (issue #14, 1): everything the wizard asks, plus when to run it. Each run launches an ordinary
/// campaign from <see cref="Definition"/> (named after the template and the run's day, due <see cref="DurationDays"/> after
/// launch), through the launch code every campaign uses.
/// </summary>
public class CampaignTemplate
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>The wizard's definition; its name and due date are set per run (stored as JSON, like <see cref="Campaign.Definition"/>).</summary>
    public CampaignDefinition Definition { get; set; } = new();
    public TemplateSchedule Schedule { get; set; }
    /// <summary>Five fields, read by Cronos in UTC; only when <see cref="Schedule"/> is <see cref="TemplateSchedule.Cron"/>.</summary>
    public string? CronExpression { get; set; }
    public DateOnly StartsOn { get; set; }
    /// <summary>Each run's campaign is due this many days after its launch day.</summary>
    public int DurationDays { get; set; } = 21;
    public bool Enabled { get; set; } = true;
    /// <summary>The run the job launches next, once it is due; null when the schedule has no further run.</summary>
    public DateTimeOffset? NextRunAt { get; set; }
    /// <summary>The scheduled run last handled (launched or not): an edit never makes it due again.</summary>
    public DateTimeOffset? LastRunAt { get; set; }
    public int? LastCampaignId { get; set; }
    /// <summary>Why the last run launched nothing (nothing in scope, the last-admin block); null when it launched.</summary>
    public string? LastRunProblem { get; set; }
    /// <summary>The admin who created the template: each run's campaign is created in their name.</summary>
    public int CreatedById { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int? UpdatedById { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }
    /// <summary>Optimistic concurrency: two admins editing, or an edit racing a run.</summary>
    public int Version { get; set; }

    /// <summary>The scheduled runs from <paramref name="startsOn"/> on, in order (unbounded; take what you need).</summary>
    public static IEnumerable<DateTimeOffset> Runs(TemplateSchedule schedule, string? cron, DateOnly startsOn)
    {
        var start = new DateTimeOffset(startsOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (schedule == TemplateSchedule.Cron)
        {
            var expression = ParseCron(cron ?? "");
            for (var next = expression.GetNextOccurrence(start, TimeZoneInfo.Utc, inclusive: true); next is { } at;
                 next = expression.GetNextOccurrence(at, TimeZoneInfo.Utc))
            {
                yield return at;
            }
            yield break;
        }
        var months = MonthsBetweenRuns(schedule);
        // Every run is counted from the start date, never from the previous run: a template starting on 31 January runs on
        // 28 (or 29) February, then on 31 March again, instead of drifting to the 28th for good.
        for (var k = 0; k < 12_000 / months; k++)
        {
            yield return start.AddMonths(k * months);
        }
    }

    /// <summary>The first scheduled run after <paramref name="after"/>, or null when there is none.</summary>
    public static DateTimeOffset? NextRunAfter(TemplateSchedule schedule, string? cron, DateOnly startsOn, DateTimeOffset after)
    {
        var start = new DateTimeOffset(startsOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (schedule == TemplateSchedule.Cron)
        {
            // Straight from the later of the two: a frequent cron started long ago is not walked run by run.
            return after < start
                ? ParseCron(cron ?? "").GetNextOccurrence(start, TimeZoneInfo.Utc, inclusive: true)
                : ParseCron(cron ?? "").GetNextOccurrence(after, TimeZoneInfo.Utc);
        }
        foreach (var run in Runs(schedule, cron, startsOn))
        {
            if (run > after)
            {
                return run;
            }
        }
        return null;
    }

    /// <summary>Up to <paramref name="count"/> scheduled runs after <paramref name="after"/>, in order.</summary>
    public static IReadOnlyList<DateTimeOffset> NextRuns(TemplateSchedule schedule, string? cron, DateOnly startsOn, DateTimeOffset after, int count)
    {
        var runs = new List<DateTimeOffset>(count);
        for (var next = NextRunAfter(schedule, cron, startsOn, after); next is { } run && runs.Count < count;
             next = NextRunAfter(schedule, cron, startsOn, run))
        {
            runs.Add(run);
        }
        return runs;
    }

    /// <summary>The template's next run once <paramref name="run"/> is done at <paramref name="now"/>: runs missed while no job ran are skipped, not launched in a burst.</summary>
    public DateTimeOffset? NextRunAfter(DateTimeOffset run, DateTimeOffset now) =>
        NextRunAfter(Schedule, CronExpression, StartsOn, run > now ? run : now);

    /// <summary>Five fields (minute hour day month weekday), as the portal's other schedules; throws <see cref="CronFormatException"/>.</summary>
    public static CronExpression ParseCron(string cron) => Cronos.CronExpression.Parse(cron.Trim(), CronFormat.Standard);

    private static int MonthsBetweenRuns(TemplateSchedule schedule) => schedule switch
    {
        TemplateSchedule.Monthly => 1,
        TemplateSchedule.Quarterly => 3,
        TemplateSchedule.SemiAnnual => 6,
        TemplateSchedule.Annual => 12,
        _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule, "Not a calendar schedule."),
    };
}

public enum TemplateSchedule
{
    Monthly = 0,
    Quarterly = 1,
    SemiAnnual = 2,
    Annual = 3,
    Cron = 4,
}

/// <summary>
/// One scheduled run of a template, launched or not. Unique per template and run: however many job runs or nodes reach the
/// same run, only one row (and so one campaign) can exist for it.
/// </summary>
public class CampaignTemplateRun
{
    public long Id { get; set; }
    public int TemplateId { get; set; }
    public DateTimeOffset RunAt { get; set; }
    public DateTimeOffset AttemptedAt { get; set; }
    /// <summary>The campaign the run launched; null when it launched nothing (<see cref="Problem"/> says why).</summary>
    public int? CampaignId { get; set; }
    public string? Problem { get; set; }
}
