// Confirmations of finished actions as toasts, with a close button screen readers can name.
import { notifications } from '@mantine/notifications';
import { useMemo } from 'react';
import { useLanguage } from '../i18n';

export function useNotify(): { done: (message: string) => void } {
  const { language } = useLanguage();
  return useMemo(
    () => ({
      done: (message: string) =>
        notifications.show({
          color: 'green',
          message,
          closeButtonProps: { 'aria-label': language === 'sv' ? 'Stäng meddelandet' : 'Close the message' },
        }),
    }),
    [language],
  );
}
