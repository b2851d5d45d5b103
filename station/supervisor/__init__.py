"""What a supervisor reads: figures of accuracy and speed, the orders behind them, reports.

The dashboard (ui/dashboard) and `main.py report` call:
- station.supervisor.figures: figures(), orders_per_hour_of_day(), accuracy_per_day(),
  mistake_pareto(), exception_reasons() over a Period (station.supervisor.period);
- station.supervisor.drill: orders_behind() and order_trail();
- station.supervisor.formulas: FIGURES, each figure's label and formula.
"""
