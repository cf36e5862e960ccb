using ReviewPortal.Web.Infrastructure.Email;

namespace ReviewPortal.Web.Features.Email;

/// <summary>The wording of every portal mail, with deep links to the page where the work is.</summary>
public static class EmailMessages
{
    /// <param name="closesAutomatically">The campaign closes itself at its due time: the day before, the mail says so (the "closing soon" mail).</param>
    public static EmailContent ReviewReminder(EmailOptions options, string kind, string reviewerName, int campaignId, string campaignName,
        int pending, DateTimeOffset dueAt, DateOnly today, bool closesAutomatically = false)
    {
        var items = EmailContent.Count(pending, "access review item", "access review items");
        var due = EmailContent.Date(dueAt);
        var daysLate = today.DayNumber - ReminderSchedule.Day(dueAt).DayNumber;
        var (subject, heading, lead) = kind switch
        {
            ReminderSchedule.Launch => ($"Access review started: {items} to review by {due}",
                "A new access review needs you", $"The access review \"{campaignName}\" has started, and {items} are assigned to you."),
            ReminderSchedule.DueIn3 => ($"Due in 3 days: {items} waiting for your review",
                "Your access review is due in 3 days", $"You still have {items} to review in \"{campaignName}\"."),
            ReminderSchedule.DueIn1 when closesAutomatically => ($"Closing tomorrow: {items} waiting for your review",
                "Your access review closes tomorrow",
                $"You still have {items} to review in \"{campaignName}\". It closes automatically at {dueAt.UtcDateTime:HH:mm} UTC on {due}: " +
                "items you have not decided by then get the campaign's default outcome, which can remove the access."),
            ReminderSchedule.DueIn1 => ($"Due tomorrow: {items} waiting for your review",
                "Your access review is due tomorrow", $"You still have {items} to review in \"{campaignName}\"."),
            ReminderSchedule.DueToday => ($"Due today: {items} waiting for your review",
                "Your access review is due today", $"You still have {items} to review in \"{campaignName}\"."),
            ReminderSchedule.Nudge => ($"Reminder: {items} waiting for your review by {due}",
                "The review team is waiting for your decisions", $"The access review team asks you to finish \"{campaignName}\": {items} still wait for you."),
            ReminderSchedule.Overdue => ($"Overdue: {items} waiting for your review since {due}",
                "Your access review is overdue", $"\"{campaignName}\" was due {EmailContent.Count(daysLate, "day", "days")} ago and {items} still wait for your decision."),
            _ => ($"Reminder: {items} waiting for your review", "Access review reminder",
                $"You have {items} to review in \"{campaignName}\"."),
        };
        return new EmailContent
        {
            Subject = subject,
            Heading = heading,
            Greeting = $"Hello {reviewerName},",
            Paragraphs =
            [
                lead,
                "For each item, keep the access, revoke it, or reduce it. Each one shows its recent activity and a recommendation to help you decide quickly.",
            ],
            Facts = [new("Campaign", campaignName), new("Waiting for you", items), new("Due", EmailContent.DateTime(dueAt))],
            LinkText = $"Review your {items}",
            // Straight to this campaign's items (the page offers the rest of the queue from there).
            LinkUrl = options.Link($"/reviews?campaign={campaignId}"),
            Footer = "You get this reminder because access reviews are waiting for you in ReviewPortal; it stops as soon as you have decided every item. Replies are not read.",
        };
    }

    public static EmailContent Escalation(EmailOptions options, string managerName, string reviewerName, int reviewerId,
        string campaignName, int pending, DateTimeOffset dueAt, DateOnly today)
    {
        var items = EmailContent.Count(pending, "access review item", "access review items");
        var daysLate = today.DayNumber - ReminderSchedule.Day(dueAt).DayNumber;
        return new EmailContent
        {
            Subject = $"Escalation: {reviewerName} has {items} overdue",
            Heading = $"{reviewerName}'s access review is overdue",
            Greeting = $"Hello {managerName},",
            Paragraphs =
            [
                $"{reviewerName} reports to you and has not finished the access review \"{campaignName}\". It was due {EmailContent.Count(daysLate, "day", "days")} ago.",
                "Please ask them to complete it, or to tell the review team who should. Undecided access may be removed or kept by default when the campaign closes.",
            ],
            Facts = [new("Reviewer", reviewerName), new("Campaign", campaignName), new("Still undecided", items), new("Was due", EmailContent.DateTime(dueAt))],
            LinkText = $"See {reviewerName} in ReviewPortal",
            LinkUrl = options.Link($"/identities/{reviewerId}"),
            Footer = "You get this mail because a person who reports to you has an overdue access review. It is repeated daily until they finish. Replies are not read.",
        };
    }

    public static EmailContent CampaignClosed(EmailOptions options, string ownerName, int campaignId, string campaignName,
        DateTimeOffset closedAt, int total, int decided, int defaulted)
    {
        var unchanged = total - decided - defaulted;
        return new EmailContent
        {
            Subject = $"Access review closed: {campaignName}",
            Heading = $"\"{campaignName}\" is closed",
            Greeting = $"Hello {ownerName},",
            Paragraphs =
            [
                "The access review you created has closed. Revocations and reductions have become remediation tasks, and the evidence pack is ready for download.",
            ],
            Facts =
            [
                new("Closed", EmailContent.DateTime(closedAt)),
                new("Items", total.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("Decided by reviewers", decided.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("Decided by the campaign default", defaulted.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("Left unchanged", unchanged.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ],
            LinkText = $"Open the \"{campaignName}\" dashboard",
            LinkUrl = options.Link($"/campaigns/{campaignId}"),
            Footer = "You get this mail because you created this access review. Replies are not read.",
        };
    }

    public static EmailContent DueExtended(EmailOptions options, string reviewerName, int campaignId, string campaignName, int pending,
        DateTimeOffset previousDueAt, DateTimeOffset newDueAt)
    {
        var items = EmailContent.Count(pending, "access review item", "access review items");
        return new EmailContent
        {
            Subject = $"More time: \"{campaignName}\" is now due {EmailContent.Date(newDueAt)}",
            Heading = "Your access review has more time",
            Greeting = $"Hello {reviewerName},",
            Paragraphs =
            [
                $"The due date of the access review \"{campaignName}\" moved from {EmailContent.Date(previousDueAt)} to {EmailContent.Date(newDueAt)}. {items} still wait for your decision.",
                "Reminders now count down to the new date. Undecided access may be removed or kept by default when the campaign closes.",
            ],
            Facts = [new("Campaign", campaignName), new("Waiting for you", items), new("Was due", EmailContent.DateTime(previousDueAt)), new("Now due", EmailContent.DateTime(newDueAt))],
            LinkText = $"Review your {items}",
            LinkUrl = options.Link($"/reviews?campaign={campaignId}"),
            Footer = "You get this mail because access reviews in this campaign are waiting for you. Replies are not read.",
        };
    }

    public static EmailContent TemplateRunFailed(EmailOptions options, int templateId, string templateName, DateTimeOffset runAt, string problem) =>
        new()
        {
            Subject = $"Recurring review not launched: {templateName}",
            Heading = "A scheduled access review did not launch",
            Greeting = "Hello IAM team,",
            Paragraphs =
            [
                $"The recurring campaign \"{templateName}\" was due to launch on {EmailContent.Date(runAt)} and launched nothing: {problem}",
                "The template stays enabled and moves on to its next run. Fix the scope or the reviewers, or launch this run by hand from the wizard.",
            ],
            Facts = [new("Template", templateName), new("Run", EmailContent.DateTime(runAt))],
            LinkText = "Open the recurring campaigns",
            LinkUrl = options.Link($"/campaigns/new?template={templateId}"),
            Footer = "You get this mail because your address is ReviewPortal's Email:AdminAlertsTo. Replies are not read.",
        };

    public static EmailContent ApprovalReminder(EmailOptions options, string approverName, int pending, DateTimeOffset oldestRequestedAt)
    {
        var requests = EmailContent.Count(pending, "access request", "access requests");
        return new EmailContent
        {
            Subject = $"{requests} waiting for your approval",
            Heading = "Access requests are waiting for you",
            Greeting = $"Hello {approverName},",
            Paragraphs = [$"{requests} need your approval before the access can be granted. Each request shows its justification and who else approved it."],
            Facts = [new("Waiting for you", requests), new("Oldest request", EmailContent.DateTime(oldestRequestedAt))],
            LinkText = $"Open your approvals inbox ({requests})",
            LinkUrl = options.Link("/requests/approvals"),
            Footer = "You get this daily while requests wait for your approval in ReviewPortal. Replies are not read.",
        };
    }

    public static EmailContent GrantExpiry(EmailOptions options, string recipientName, string holderName, bool holderIsRecipient,
        string entitlement, string resource, DateTimeOffset expiresAt)
    {
        var whose = holderIsRecipient ? "Your access" : $"The access of {holderName}";
        return new EmailContent
        {
            Subject = $"{whose} to {resource} ends on {EmailContent.Date(expiresAt)}",
            Heading = $"{whose} ends soon",
            Greeting = $"Hello {recipientName},",
            Paragraphs =
            [
                $"{whose} \"{entitlement}\" on {resource} was granted for a limited time and ends on {EmailContent.DateTime(expiresAt)}.",
                "If it is still needed, request an extension with a short justification; otherwise there is nothing to do.",
            ],
            Facts = [new("Holder", holderName), new("Access", entitlement), new("On", resource), new("Ends", EmailContent.DateTime(expiresAt))],
            LinkText = "Request an extension",
            LinkUrl = options.Link("/requests"),
            Footer = "You get this mail because time-limited access you hold or own is about to end. Replies are not read.",
        };
    }

    public static EmailContent PeopleSyncBlocked(EmailOptions options, string source, int departing, int employed, int limit, DateTimeOffset at) =>
        ChangeBlocked(options, at, departing, employed, limit, new BlockedChange(
            Subject: $"People directory blocked: it would mark {departing} of {employed} people as leavers",
            Heading: "The people directory stopped before changing anything",
            What: share => $"The {source} at {EmailContent.DateTime(at)} would mark {departing} of the {employed} employed people as departed ({share}), more than the {limit} one change may mark.",
            Why: "An empty or cut-short answer from the directory (a permission withdrawn, an outage, a truncated file) looks exactly like this, so nothing was changed: nobody was marked as a leaver and no review was opened for their access.",
            Remedy: "If the departures are genuine, lower the share in People:MaxDepartedShare for one run or import the change in smaller parts.",
            WouldChange: new EmailFact("Would mark departed", EmailContent.Count(departing, "person", "people")),
            TotalLabel: "Employed people", LimitLabel: "One change may mark", Blocked: "change"));

    public static EmailContent DirectorySyncBlocked(EmailOptions options, int closing, int open, int limit, DateTimeOffset at) =>
        ChangeBlocked(options, at, closing, open, limit, new BlockedChange(
            Subject: $"Directory sync blocked: it would close {closing} of {open} grants",
            Heading: "The directory sync stopped before changing anything",
            What: share => $"The directory sync at {EmailContent.DateTime(at)} read an answer from Claude that would close {closing} of the {open} open grants ReviewPortal mirrors ({share}), more than the {limit} one sync may close.",
            Why: "An empty or cut-short answer from the Compliance API or Admin API looks exactly like this (a key that lost a scope, an outage, a paging fault), so nothing was changed: no grant closed or opened, no remediation verified. Every hourly sync stays blocked while the answer looks like this.",
            Remedy: "If the change is genuine (a reorganisation, a workspace removed), an admin can apply it once from the Connectors page.",
            WouldChange: new EmailFact("Would close", EmailContent.Count(closing, "grant", "grants")),
            TotalLabel: "Open grants", LimitLabel: "One sync may close", Blocked: "sync"));

    /// <summary>The words of one mass-change alert (<see cref="ChangeBlocked"/>); <c>What</c> is given the share as a percentage.</summary>
    private sealed record BlockedChange(string Subject, string Heading, Func<string, string> What, string Why, string Remedy,
        EmailFact WouldChange, string TotalLabel, string LimitLabel, string Blocked);

    /// <summary>The IAM team's alert for a change the mass-change guard stopped: what, why it looks like a fault, what to do.</summary>
    private static EmailContent ChangeBlocked(EmailOptions options, DateTimeOffset at, int changing, int total, int limit, BlockedChange words)
    {
        var share = (total == 0 ? 0 : (double)changing / total).ToString("P0", System.Globalization.CultureInfo.InvariantCulture);
        return new EmailContent
        {
            Subject = words.Subject,
            Heading = words.Heading,
            Greeting = "Hello IAM team,",
            Paragraphs = [words.What(share), words.Why, words.Remedy],
            Facts =
            [
                words.WouldChange,
                new(words.TotalLabel, total.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new(words.LimitLabel, limit.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("Blocked at", EmailContent.DateTime(at)),
            ],
            LinkText = "Open the Connectors page",
            LinkUrl = options.Link("/admin/connectors"),
            Footer = $"You get this mail because your address is ReviewPortal's Email:AdminAlertsTo. It is sent at most once a day while the {words.Blocked} stays blocked. Replies are not read.",
        };
    }
}
