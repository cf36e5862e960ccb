namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// A campaign's burndown: one point per UTC day from launch to the due date (or to today or the close, when later),
/// with the items still undecided at the end of each day that has happened, and the even pace from all items at launch
/// to none at the due date. A one-day-old campaign already shows the whole way to its due date; days still to come
/// have no undecided count.
/// </summary>
public static class Burndown
{
    /// <param name="decidedAt">When each decided item was decided (undecided items are not in it).</param>
    /// <param name="items">How many items the campaign has.</param>
    /// <param name="launched">The launch.</param>
    /// <param name="due">The due date.</param>
    /// <param name="closedAt">The close, when closed: nothing is decided after it.</param>
    /// <param name="now">Now.</param>
    public static IReadOnlyList<BurndownPoint> For(IEnumerable<DateTimeOffset> decidedAt, int items, DateTimeOffset launched,
        DateTimeOffset due, DateTimeOffset? closedAt, DateTimeOffset now)
    {
        var first = DateOnly.FromDateTime(launched.UtcDateTime);
        var lastKnown = DateOnly.FromDateTime((closedAt ?? now).UtcDateTime);
        var dueDay = DateOnly.FromDateTime(due.UtcDateTime);
        var last = dueDay > lastKnown ? dueDay : lastKnown;
        var days = Math.Max(1, dueDay.DayNumber - first.DayNumber);

        // Decisions per day, then a running count: one pass over the items, not one per day.
        var decidedPerDay = decidedAt.GroupBy(at => DateOnly.FromDateTime(at.UtcDateTime)).ToDictionary(g => g.Key, g => g.Count());
        var decidedByEndOfDay = decidedPerDay.Where(d => d.Key < first).Sum(d => d.Value);
        var points = new List<BurndownPoint>(last.DayNumber - first.DayNumber + 1);
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            decidedByEndOfDay += decidedPerDay.GetValueOrDefault(day);
            var ideal = Math.Max(0, items - items * (double)(day.DayNumber - first.DayNumber) / days);
            points.Add(new BurndownPoint(day, day <= lastKnown ? items - decidedByEndOfDay : null, Math.Round(ideal)));
        }
        return points;
    }
}

/// <param name="Day">The UTC day.</param>
/// <param name="Remaining">Items undecided at the end of the day; null for a day still to come.</param>
/// <param name="Ideal">Items that would be undecided at an even pace to the due date.</param>
public sealed record BurndownPoint(DateOnly Day, int? Remaining, double Ideal);
