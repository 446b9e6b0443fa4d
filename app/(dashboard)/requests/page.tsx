import { RequestLogPanel } from '@/components/requests/RequestLogPanel';

export default function RequestsPage() {
  return (
    <>
      <h1>Requests</h1>
      <RequestLogPanel />
    </>
  );
}
