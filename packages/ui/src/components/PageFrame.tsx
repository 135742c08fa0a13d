// Where a page of the console is shown: its code is loaded on first use (pages/registry.tsx),
// so this shows a quiet "loading" line meanwhile, and, if the code cannot be loaded (the
// console was updated while this window stayed open, so the page's file of the old build is
// gone), says so and offers to reload instead of leaving an empty window.
import { Alert, Button, Loader, Stack, Text } from '@mantine/core';
import { Component, Suspense, type ReactNode } from 'react';
import { useT } from '../i18n';

const dict = {
  sv: {
    loading: 'Hämtar sidan…',
    failedTitle: 'Sidan kunde inte visas',
    failedBody: 'Konsolens filer kunde inte läsas, till exempel efter en uppdatering. Ladda om fönstret för att fortsätta.',
    reload: 'Ladda om',
  },
  en: {
    loading: 'Loading the page…',
    failedTitle: 'The page could not be shown',
    failedBody: "The console's files could not be read, for example after an update. Reload the window to continue.",
    reload: 'Reload',
  },
};

function PageLoading() {
  const t = useT(dict);
  return (
    <Stack align="center" py="xl" role="status">
      <Loader size="sm" aria-hidden />
      <Text c="dimmed">{t('loading')}</Text>
    </Stack>
  );
}

function PageFailed() {
  const t = useT(dict);
  return (
    <Alert color="red" title={t('failedTitle')} role="alert">
      <Stack gap="sm" align="flex-start">
        <Text>{t('failedBody')}</Text>
        <Button variant="default" onClick={() => window.location.reload()}>
          {t('reload')}
        </Button>
      </Stack>
    </Alert>
  );
}

/** Catches a page that failed to load or render; a new `page` (navigating away) tries again. */
class PageBoundary extends Component<{ page: string; children: ReactNode }, { failedPage: string | null }> {
  override state = { failedPage: null as string | null };

  static getDerivedStateFromError(): { failedPage: string } {
    return { failedPage: '' };
  }

  override componentDidCatch(): void {
    this.setState({ failedPage: this.props.page });
  }

  override render(): ReactNode {
    const { failedPage } = this.state;
    // '' while the failure is caught, then the page it happened on; another page renders again.
    if (failedPage === '' || failedPage === this.props.page) return <PageFailed />;
    return this.props.children;
  }
}

export function PageFrame({ page, children }: { page: string; children: ReactNode }) {
  return (
    <PageBoundary page={page}>
      <Suspense fallback={<PageLoading />}>{children}</Suspense>
    </PageBoundary>
  );
}
