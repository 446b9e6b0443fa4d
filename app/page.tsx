export default function OverviewPage() {
  return <main><h1>Overview</h1></main>;
}
