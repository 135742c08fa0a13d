import { describe, expect, it } from 'vitest';
import { planNoteText } from '../src/pages/campaigns/planWords';

describe("the planner's sentences in Swedish", () => {
  it('says each known blocker and warning in Swedish', () => {
    expect(planNoteText('Step 2 sends voice but template "Brand" has no voice content', 'sv')).toBe(
      'Steg 2 skickar röstsamtal, men mallen ”Brand” har inget innehåll för röstsamtal.',
    );
    expect(planNoteText('Nobody in the audience can be reached by this plan', 'sv')).toBe(
      'Ingen av mottagarna kan nås med den här planen.',
    );
    expect(planNoteText('Template "Brand" is not approved; starting it needs a reason for the audit log', 'sv')).toMatch(
      /^Mallen ”Brand” är inte godkänd\./,
    );
    expect(planNoteText('No price for NO, DK; their cost is not included', 'sv')).toMatch(/^Pris saknas för NO, DK;/);
    expect(planNoteText(`WhatsApp's approval of "larm_samling" could not be checked now; it was approved when chosen`, 'sv')).toMatch(
      /^WhatsApp-mallen ”larm_samling” kunde inte kontrolleras/,
    );
    expect(planNoteText('Confirmation is on but no step can be confirmed (e-mail only)', 'sv')).toMatch(/^Bekräftelse är påslagen/);
    expect(
      planNoteText(
        '3 recipient(s) lack values for template variables (e.g. Anna Ek: first_name, custom.enhet); add a fallback to the template or fill in the contacts',
        'sv',
      ),
    ).toBe(
      '3 mottagare saknar uppgifter som mallen använder (t.ex. Anna Ek: first_name, custom.enhet). Lägg till ett reservvärde i mallen eller fyll i kontakterna.',
    );
  });

  it('keeps English as the engine wrote it, and an unknown sentence as it is', () => {
    expect(planNoteText('Nobody in the audience can be reached by this plan', 'en')).toBe(
      'Nobody in the audience can be reached by this plan',
    );
    expect(planNoteText('Something new', 'sv')).toBe('Something new');
  });
});
