using Cronos;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// A recurring campaign as the wizard edits it: the definition, the schedule and whether it runs. <see cref="Id"/> null
/// makes a new template; an edit carries the <see cref="Version"/> it was read at and the <see cref="OriginalStartsOn"/>.
/// </summary>
public sealed record CampaignTemplateForm
{
    public int? Id { get; init; }
    public int Version { get; init; }
    public string Name { get; set; } = "";
    public TemplateSchedule Schedule { get; set; } = TemplateSchedule.Quarterly;
    public string? CronExpression { get; set; }
    public DateOnly StartsOn { get; set; }
    /// <summary>The start date as stored: an existing template may keep a start date that has passed.</summary>
    public DateOnly? OriginalStartsOn { get; init; }
    public int DurationDays { get; set; } = 21;
    public bool Enabled { get; set; } = true;
    public CampaignDefinition Definition { get; set; } = new();

    /// <summary>The next <paramref name="count"/> runs (from today when the start has passed), for the page to show before saving.</summary>
    public IReadOnlyList<DateTimeOffset> NextRuns(DateTimeOffset now, int count) =>
        CampaignTemplateValidator.CronParses(this)
            ? CampaignTemplate.NextRuns(Schedule, CronExpression, StartsOn, StartOfToday(now).AddTicks(-1), count)
            : [];

    public static DateTimeOffset StartOfToday(DateTimeOffset now) => new(now.UtcDateTime.Date, TimeSpan.Zero);
}

public sealed class CampaignTemplateValidator : AbstractValidator<CampaignTemplateForm>
{
    public CampaignTemplateValidator(TimeProvider time, IValidator<CampaignDefinition> definitions)
    {
        RuleFor(f => f.Name).NotEmpty().WithMessage("Give the recurring campaign a name; each run is named after it and its day.")
            .MaximumLength(MaxLengths.CampaignTemplate.Name).WithMessage("Keep the name to {MaxLength} characters; this one has {TotalLength}.");
        RuleFor(f => f.DurationDays).InclusiveBetween(1, 365).WithMessage("Each run must be due between 1 and 365 days after it launches.");
        RuleFor(f => f.StartsOn).Must(start => start >= DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime))
            .When(f => f.Id is null || f.StartsOn != f.OriginalStartsOn)
            .WithMessage("The start date must be today or later.");
        When(f => f.Schedule == TemplateSchedule.Cron, () =>
            RuleFor(f => f.CronExpression).Cascade(CascadeMode.Stop)
                .NotEmpty().WithMessage("Write the cron schedule (minute hour day month weekday, in UTC), e.g. \"0 6 1 */2 *\".")
                .MaximumLength(MaxLengths.CampaignTemplate.CronExpression).WithMessage("Keep the cron schedule to {MaxLength} characters.")
                .Must((f, _) => CronParses(f)).WithMessage("This is not a cron schedule Cronos can read: five fields, minute hour day month weekday."));
        RuleFor(f => f.Schedule).IsInEnum();
        // The scope and reviewer rules are the wizard's own; a run's name and due date come from the template, so those
        // two are checked with what a run would get.
        RuleFor(f => f).Custom((form, context) =>
        {
            var run = form.Definition with { Name = "run", DueAt = time.GetUtcNow().AddDays(Math.Clamp(form.DurationDays, 2, 365)) };
            foreach (var error in definitions.Validate(run).Errors)
            {
                context.AddFailure($"{nameof(CampaignTemplateForm.Definition)}.{error.PropertyName}", error.ErrorMessage);
            }
        });
    }

    public static bool CronParses(CampaignTemplateForm form)
    {
        if (form.Schedule != TemplateSchedule.Cron)
        {
            return true;
        }
        try
        {
            CampaignTemplate.ParseCron(form.CronExpression ?? "");
            return true;
        }
        catch (CronFormatException)
        {
            return false;
        }
    }
}

/// <summary>
/// Creates or edits a recurring campaign (admins; created in the admin's name, which each run's campaign carries). Saving
/// sets the next run from the schedule: the first run on or after today, never one already launched.
/// </summary>
public sealed class SaveCampaignTemplate(IDbContextFactory<ReviewPortalDbContext> contexts, IValidator<CampaignTemplateForm> validator, TimeProvider time)
{
    public async Task<Result<int>> HandleAsync(Viewer viewer, CampaignTemplateForm form, string correlationId, CancellationToken cancellationToken = default)
    {
        var admin = AdminScreens.ActingAdmin(viewer, "can schedule recurring campaigns");
        if (!admin.Ok)
        {
            return admin.Refusal;
        }
        form = form with { Definition = await CampaignFallback.WithDefaultAsync(contexts, form.Definition, cancellationToken) };
        var validation = await validator.ValidateAsync(form, cancellationToken);
        if (!validation.IsValid)
        {
            return validation.ToRefusal();
        }
        var now = time.GetUtcNow();
        var actor = new AuditActor(viewer.IdentityId, viewer.Name, now, correlationId);
        try
        {
            return await contexts.WriteAsync<Result<int>>(async (db, ct) =>
            {
                CampaignTemplate template;
                object? before = null;
                if (form.Id is { } id)
                {
                    var found = await db.CampaignTemplates.FirstOrDefaultAsync(t => t.Id == id, ct);
                    if (found is null)
                    {
                        return Refusal.NotFound("No such recurring campaign.");
                    }
                    if (found.Version != form.Version)
                    {
                        return Refusal.Conflict("Someone changed this recurring campaign (or it just ran) since you opened it: reload it.");
                    }
                    template = found;
                    before = Snapshot(template);
                    template.UpdatedById = admin.Value;
                    template.UpdatedAt = now;
                    template.Version++;
                }
                else
                {
                    template = new CampaignTemplate { Name = "", CreatedById = admin.Value, CreatedAt = now };
                    db.CampaignTemplates.Add(template);
                }
                template.Name = form.Name.Trim();
                template.Definition = form.Definition with { Name = template.Name, LifecycleRule = null };
                template.Schedule = form.Schedule;
                template.CronExpression = form.Schedule == TemplateSchedule.Cron ? form.CronExpression!.Trim() : null;
                template.StartsOn = form.StartsOn;
                template.DurationDays = form.DurationDays;
                template.Enabled = form.Enabled;
                // From today on, and after the last run launched: an edit never makes a launched run due again.
                var from = CampaignTemplateForm.StartOfToday(now).AddTicks(-1);
                var after = template.LastRunAt is { } last && last > from ? last : from;
                template.NextRunAt = CampaignTemplate.NextRunAfter(template.Schedule, template.CronExpression, template.StartsOn, after);
                await db.SaveChangesAsync(ct);
                db.Audit(actor, form.Id is null ? "campaign.template-created" : "campaign.template-updated", template, before: before, after: Snapshot(template));
                return template.Id;
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Refusal.Conflict("Someone changed this recurring campaign (or it just ran) since you opened it: reload it.");
        }
        catch (LedgerBusyException)
        {
            return Refusal.Busy("The recurring campaign was not saved");
        }
    }

    private static object Snapshot(CampaignTemplate t) =>
        new { t.Name, t.Schedule, t.CronExpression, t.StartsOn, t.DurationDays, t.Enabled, t.NextRunAt };
}
