import { ExportsPanel } from '@/components/reports/ExportsPanel';
import { SummaryPreviewPanel } from '@/components/reports/SummaryPreviewPanel';

export default function ReportsPage() {
  return (
    <>
      <h1>Reports</h1>
      <div className="grid">
        <ExportsPanel />
        <SummaryPreviewPanel />
      </div>
    </>
  );
}
