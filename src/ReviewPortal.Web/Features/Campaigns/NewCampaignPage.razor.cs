using FluentValidation;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Identities;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

public partial class NewCampaignPage
{
    [Inject] private GetCampaignOptions GetOptions { get; set; } = default!;
    [Inject] private PreviewCampaign Preview { get; set; } = default!;
    [Inject] private LaunchCampaign Launch { get; set; } = default!;
    [Inject] private SearchPeople SearchPeople { get; set; } = default!;
    [Inject] private IValidator<CampaignDefinition> Validator { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private SaveCampaignDraft SaveDraft { get; set; } = default!;
    [Inject] private GetCampaignDraft GetDraft { get; set; } = default!;
    [Inject] private SaveCampaignTemplate SaveTemplate { get; set; } = default!;
    [Inject] private GetCampaignTemplate GetTemplate { get; set; } = default!;

    /// <summary>A draft to go on with: saving updates it, launching turns it into the campaign.</summary>
    [SupplyParameterFromQuery(Name = "draft")] public int? DraftId { get; set; }

    /// <summary>"new", or the id of a recurring campaign to edit: the wizard then saves a template instead of launching.</summary>
    [SupplyParameterFromQuery(Name = "template")] public string? TemplateId { get; set; }

    private Viewer? _viewer;
    private CampaignOptions? _options;

    /// <summary>The kinds the wizard offers: those some identity has, plus any a draft or template already chose.</summary>
    private IEnumerable<Domain.IdentityKind> IdentityKindChoices =>
        (_options?.IdentityKinds ?? []).Union(_definition.IdentityKinds).Order();
    private MudForm? _form;
    private CampaignDefinition _definition = new();
    private DateTime? _due;
    /// <summary>The earliest due date the picker offers: past days and today cannot be clicked.</summary>
    private DateTime Tomorrow => Time.GetUtcNow().UtcDateTime.Date.AddDays(1);
    private PersonOption? _fallback;
    private readonly List<PersonOption> _named = [];
    private Result<CampaignPreview>? _preview;
    private bool _busy, _previewTried;
    private CampaignTemplateForm? _template;
    private TemplateSchedulePanel? _schedule;

    protected override async Task OnInitializedAsync()
    {
        _viewer = await ViewerAsync();
        var options = await GetOptions.HandleAsync(_viewer);
        _options = Snackbar.ValueOrShow(options);
        var now = Time.GetUtcNow();
        _due = now.UtcDateTime.Date.AddDays(21);
        _definition = new CampaignDefinition
        {
            Name = $"Claude access review {now:MMMM yyyy}",
            EntitlementKinds = [.. Enum.GetValues<Domain.EntitlementKind>()],
            IdentityKinds = [.. _options?.IdentityKinds ?? Enum.GetValues<Domain.IdentityKind>()],
            DueAt = new DateTimeOffset(_due.Value, TimeSpan.Zero),
            FallbackReviewerId = _options?.DefaultFallbackReviewer?.Id,
            // New campaigns close themselves at due; applying the removals unattended is the admin's explicit choice.
            AutoClose = true,
        };
        _fallback = _options?.DefaultFallbackReviewer;
        await OpenDraftOrTemplateAsync(now);
    }

    /// <summary>A draft or a recurring campaign opens with its own definition, its reviewers shown in the pickers.</summary>
    private async Task OpenDraftOrTemplateAsync(DateTimeOffset now)
    {
        if (DraftId is { } draftId && Snackbar.ValueOrShow(await GetDraft.HandleAsync(_viewer!, draftId)) is { } draft)
        {
            _definition = draft;
            _due = draft.DueAt == default ? _due : draft.DueAt.UtcDateTime.Date;
        }
        else if (TemplateId == "new")
        {
            _template = new CampaignTemplateForm { StartsOn = DateOnly.FromDateTime(now.UtcDateTime).AddDays(1), Definition = _definition };
            _definition.Name = "Quarterly Claude access review";
        }
        else if (int.TryParse(TemplateId, out var templateId) && Snackbar.ValueOrShow(await GetTemplate.HandleAsync(_viewer!, templateId)) is { } template)
        {
            _template = template;
            _definition = template.Definition with { Name = template.Name };
        }
        else
        {
            return;
        }
        var ids = new List<int>(_definition.NamedReviewerIds);
        if (_definition.FallbackReviewerId is { } fallback)
        {
            ids.Add(fallback);
        }
        var people = (Snackbar.ValueOrShow(await SearchPeople.HandleAsync(_viewer!, ids)) ?? []).ToDictionary(p => p.Id);
        _fallback = _definition.FallbackReviewerId is { } id ? people.GetValueOrDefault(id) : null;
        _named.Clear();
        _named.AddRange(_definition.NamedReviewerIds.Where(people.ContainsKey).Select(n => people[n]));
    }

    private async Task SaveDraftAsync()
    {
        _busy = true;
        var result = await SaveDraft.HandleAsync(_viewer!, new CampaignDraft(DraftId, _definition), CorrelationId.New());
        _busy = false;
        if (Snackbar.Show(result, _ => "Draft saved: find it under Campaigns.") && DraftId is null)
        {
            // From now on this page edits that draft: saving again updates it, launching launches it.
            Navigation.NavigateTo($"/campaigns/new?draft={result.Value}", replace: true);
        }
    }

    private void StartTemplate() =>
        _template = new CampaignTemplateForm { StartsOn = DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime).AddDays(1) };

    private async Task SaveTemplateAsync()
    {
        if (_template is null || _schedule is null || !await _schedule.ValidateAsync())
        {
            return;
        }
        _busy = true;
        var result = await SaveTemplate.HandleAsync(_viewer!, _template with { Name = _definition.Name, Definition = _definition }, CorrelationId.New());
        _busy = false;
        if (Snackbar.Show(result, _ => "Recurring campaign saved."))
        {
            Navigation.NavigateTo("/campaigns/templates");
        }
    }

    /// <summary>Auto-keep on starts from the suggested conditions (used on 15 of 30 days, within 2x the peers, not privileged, employed).</summary>
    private void SetAutoKeep(bool on)
    {
        _definition.AutoKeep = on ? new AutoKeepPolicy() : null;
        _preview = null;
    }

    private void SetDue(DateTime? date)
    {
        _due = date;
        _definition.DueAt = date is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d.Date.AddHours(17), DateTimeKind.Utc)) : default;
        _preview = null;
    }

    private async Task<IEnumerable<PersonOption>> SearchAsync(string? term, CancellationToken cancellationToken)
    {
        var people = await SearchPeople.HandleAsync(_viewer!, term, cancellationToken);
        return Snackbar.ValueOrShow(people) ?? [];
    }

    private void AddNamed(PersonOption? person)
    {
        if (person is not null && _named.All(p => p.Id != person.Id))
        {
            _named.Add(person);
            _definition.NamedReviewerIds = _named.Select(p => p.Id).ToList();
        }
    }

    private async Task PreviewAsync()
    {
        _previewTried = true;
        await _form!.ValidateAsync();
        _busy = true;
        _preview = await Preview.HandleAsync(_viewer!, _definition);
        _busy = false;
    }

    private async Task LaunchAsync()
    {
        _busy = true;
        var result = await Launch.HandleAsync(_viewer!, _definition, DraftId, CorrelationId.New());
        _busy = false;
        Snackbar.Show(result, launched => $"Launched with {launched.Items:N0} items.");
        if (result.Ok)
        {
            Navigation.NavigateTo($"/campaigns/{result.Value.CampaignId}");
        }
    }
}
