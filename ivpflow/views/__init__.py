"""Read-only views of processes: status, plan, portfolio, history, outbox, the working-day
calendar, the iCalendar export, the HTML report and the Mermaid diagram. Views never write."""
