// The words every AI control shares: task names, the translation languages in the operator's
// language, the suggested reply classes, and the line under each proposal saying which model
// answered and what it cost ("Förslag från gpt-4.1-mini · 812 tokens · 0,02 kr").
import { Badge, Text } from '@mantine/core';
import { useMemo } from 'react';
import type { AiLanguage, AiTask, AiUse, ReplyClass } from '@gdial/protocol';
import { useFormat, useLanguage, useT } from '../i18n';

const tasks: Record<'sv' | 'en', Record<AiTask, string>> = {
  sv: {
    draft: 'Föreslå larmtext',
    simplify: 'Lättläst',
    translate: 'Översättning',
    classify: 'Sortera svar',
    summarise: 'Sammanfatta svar',
  },
  en: {
    draft: 'Propose alert text',
    simplify: 'Easy Swedish',
    translate: 'Translation',
    classify: 'Sort replies',
    summarise: 'Summarise replies',
  },
};

const languages: Record<'sv' | 'en', Record<AiLanguage, string>> = {
  sv: {
    en: 'Engelska',
    fi: 'Finska',
    fit: 'Meänkieli',
    se: 'Nordsamiska',
    rom: 'Romani chib',
    yi: 'Jiddisch',
    ar: 'Arabiska',
    so: 'Somaliska',
    fa: 'Persiska',
    prs: 'Dari',
    ti: 'Tigrinja',
    pl: 'Polska',
    uk: 'Ukrainska',
  },
  en: {
    en: 'English',
    fi: 'Finnish',
    fit: 'Meänkieli',
    se: 'Northern Sami',
    rom: 'Romani',
    yi: 'Yiddish',
    ar: 'Arabic',
    so: 'Somali',
    fa: 'Persian',
    prs: 'Dari',
    ti: 'Tigrinya',
    pl: 'Polish',
    uk: 'Ukrainian',
  },
};

const classes: Record<'sv' | 'en', Record<ReplyClass, string>> = {
  sv: { 'behöver-hjälp': 'Behöver hjälp', fråga: 'Fråga', bekräftelse: 'Bekräftelse i fritext', övrigt: 'Övrigt' },
  en: { 'behöver-hjälp': 'Needs help', fråga: 'Question', bekräftelse: 'Confirmation in free text', övrigt: 'Other' },
};

export const replyClassColour: Record<ReplyClass, string> = { 'behöver-hjälp': 'red', fråga: 'blue', bekräftelse: 'green', övrigt: 'gray' };

export function useAiWords() {
  const { language } = useLanguage();
  const f = useFormat();
  return useMemo(
    () => ({
      task: tasks[language],
      language: languages[language],
      replyClass: classes[language],
      cost: (kr: number) => `${new Intl.NumberFormat(f.locale, { minimumFractionDigits: 2, maximumFractionDigits: 3 }).format(kr)} kr`,
    }),
    [language, f.locale],
  );
}

const dict = {
  sv: {
    use: 'Förslag från {model} · {tokens} tokens · {cost}. Läs och ändra innan du sparar.',
    answered: 'Svar från {model} · {tokens} tokens · {cost}.',
    suggestion: 'AI-förslag',
  },
  en: {
    use: 'Proposed by {model} · {tokens} tokens · {cost}. Read and edit before you save.',
    answered: 'Answered by {model} · {tokens} tokens · {cost}.',
    suggestion: 'AI suggestion',
  },
};

/** Which model answered and what it cost, under every proposal (`text`: a proposal to edit, else an answer to read). */
export function AiUseLine({ use, text = true }: { use: AiUse; text?: boolean }) {
  const t = useT(dict);
  const f = useFormat();
  const words = useAiWords();
  return (
    <Text size="sm" c="dimmed" data-testid="ai-use">
      {t(text ? 'use' : 'answered', {
        model: use.model,
        tokens: f.number(use.promptTokens + use.completionTokens),
        cost: words.cost(use.cost),
      })}
    </Text>
  );
}

/** A reply's suggested class, shown as a suggestion (never as a decision). */
export function ReplyClassBadge({ category, summary }: { category: ReplyClass; summary: string }) {
  const t = useT(dict);
  const words = useAiWords();
  return (
    <Badge variant="light" color={replyClassColour[category]} title={`${t('suggestion')}: ${summary}`}>
      {t('suggestion')}: {words.replyClass[category]}
    </Badge>
  );
}
