using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Email;

/// <summary>
/// Which reviewer reminder (if any) a campaign day calls for. Days are UTC calendar days; at most
/// one kind per day, so a day never yields two digests for one reviewer and campaign.
/// </summary>
public static class ReminderSchedule
{
    public const string Launch = "launch";
    public const string Weekly = "weekly";
    public const string DueIn3 = "due-in-3";
    public const string DueIn1 = "due-in-1";
    public const string DueToday = "due";
    public const string Overdue = "overdue";
    /// <summary>Not scheduled: an admin pressed Remind on the campaign dashboard.</summary>
    public const string Nudge = "nudge";

    public static string? KindFor(ReminderCadence cadence, DateOnly launched, DateOnly due, DateOnly today)
    {
        if (cadence == ReminderCadence.None || today < launched)
        {
            return null;
        }
        if (today == launched)
        {
            return Launch;
        }
        if (today == due)
        {
            return DueToday;
        }
        if (cadence == ReminderCadence.LaunchAndDueOnly)
        {
            return null;
        }
        if (today > due)
        {
            return Overdue;
        }
        if (today == due.AddDays(-1))
        {
            return DueIn1;
        }
        if (today == due.AddDays(-3))
        {
            return DueIn3;
        }
        return (today.DayNumber - launched.DayNumber) % 7 == 0 ? Weekly : null;
    }

    /// <summary>The reviewer's manager hears daily once the campaign is this many days overdue (not for cadence None).</summary>
    public static bool Escalates(ReminderCadence cadence, DateOnly due, DateOnly today, int afterDaysOverdue) =>
        cadence != ReminderCadence.None && today.DayNumber - due.DayNumber >= Math.Max(1, afterDaysOverdue);

    public static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);
}
