using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Infrastructure.Email;

/// <summary>
/// The <c>Email</c> section. With no <c>Email:Smtp:Host</c> the portal runs embedded: mails are
/// written as <c>.eml</c> files to <see cref="PickupFolder"/> instead of going to a server.
/// </summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    public string From { get; set; } = "reviewportal@localhost";
    /// <summary>Where links in mails point (no trailing slash needed).</summary>
    public string PortalBaseUrl { get; set; } = "http://localhost:5080";
    /// <summary>Relative paths resolve against the content root. Default <c>data/mail</c>.</summary>
    public string PickupFolder { get; set; } = "data/mail";
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>
    /// The IAM team's address (one address; a distribution list for several people) for conditions that need a person,
    /// such as a blocked directory sync. Empty: the Connectors page and the audit log are the only alert.
    /// </summary>
    public string? AdminAlertsTo { get; set; }

    /// <summary>Days past the due date after which the reviewer's manager is told, daily.</summary>
    public int EscalateAfterDaysOverdue { get; set; } = 3;
    /// <summary>Grants expiring within this many days get a notice to the holder.</summary>
    public int GrantExpiryNoticeDays { get; set; } = 3;

    /// <summary>Attempts before a mail is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 6;
    /// <summary>First retry delay; doubles per attempt up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMinutes(2);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);
    /// <summary>Mails sent per outbox run; keeps one run well inside its lease.</summary>
    public int BatchSize { get; set; } = 200;

    [Cron]
    public string SendCron { get; set; } = "* * * * *";
    [Cron]
    public string RemindersCron { get; set; } = "5 * * * *";

    public bool UsesSmtp => !string.IsNullOrWhiteSpace(Smtp.Host);

    public string Link(string path) => $"{PortalBaseUrl.TrimEnd('/')}/{path.TrimStart('/')}";
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    /// <summary>TLS required: implicit TLS on port 465, STARTTLS otherwise. False = plain (loopback relays, tests).</summary>
    public bool UseTls { get; set; } = true;
    public string? User { get; set; }
    /// <summary>Never logged. Prefer user secrets or an environment variable (Email__Smtp__Password).</summary>
    public string? Password { get; set; }
    public int TimeoutSeconds { get; set; } = 30;
}
