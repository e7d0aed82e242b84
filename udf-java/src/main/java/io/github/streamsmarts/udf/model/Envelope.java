package io.github.streamsmarts.udf.model;

import hex.ModelCategory;
import hex.genmodel.MojoModel;
import hex.genmodel.MojoReaderBackendFactory;
import hex.genmodel.MojoReaderBackendFactory.CachingStrategy;
import hex.genmodel.ModelMojoReader;
import hex.genmodel.easy.EasyPredictModelWrapper;
import hex.genmodel.easy.RowData;
import hex.genmodel.easy.exception.PredictException;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The expected range of trailing-hour energy for every (day, hour) cell and for every hour,
 * computed once from the two MOJOs with h2o-genmodel, so that scoring a reading is an array
 * lookup instead of two tree-ensemble walks.
 */
public final class Envelope {

  public static final int DAYS = 7;
  public static final int HOURS = 24;

  private final double[] cellLower;
  private final double[] cellUpper;
  private final double[] hourLower;
  private final double[] hourUpper;

  private Envelope(final double[] cellLower, final double[] cellUpper) {
    this.cellLower = cellLower;
    this.cellUpper = cellUpper;
    this.hourLower = new double[HOURS];
    this.hourUpper = new double[HOURS];
    // MODEL-FORMAT: an hour's envelope is the lowest lower and highest upper over its 7 days.
    for (int hour = 0; hour < HOURS; hour++) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (int day = 1; day <= DAYS; day++) {
        lo = Math.min(lo, cellLower[cell(day, hour)]);
        hi = Math.max(hi, cellUpper[cell(day, hour)]);
      }
      hourLower[hour] = lo;
      hourUpper[hour] = hi;
    }
  }

  /**
   * Predicts all 168 cells with each MOJO. {@code lowerName}/{@code upperName} say where the bytes
   * came from, for messages.
   */
  public static Envelope fromMojos(
      final byte[] lowerMojo, final String lowerName,
      final byte[] upperMojo, final String upperName) {
    return new Envelope(
        predictCells(wrapper(lowerMojo, lowerName), lowerName),
        predictCells(wrapper(upperMojo, upperName), upperName));
  }

  /** Reads {@code lower.zip} and {@code upper.zip} from a source; no envelope.json needed. */
  public static Envelope fromMojos(final ModelSource source) {
    return fromMojos(
        source.read(ModelSource.LOWER), source.describe(ModelSource.LOWER),
        source.read(ModelSource.UPPER), source.describe(ModelSource.UPPER));
  }

  /** Loads one MOJO into genmodel's wrapper; fails naming the resource. */
  public static EasyPredictModelWrapper wrapper(final byte[] mojo, final String name) {
    final MojoModel model;
    try {
      model = ModelMojoReader.readFrom(MojoReaderBackendFactory.createReaderBackend(
          new ByteArrayInputStream(mojo), CachingStrategy.MEMORY));
    } catch (final IOException | RuntimeException e) {
      throw new ModelException(name + " is not a readable H2O MOJO: " + e, e);
    }
    if (model.getModelCategory() != ModelCategory.Regression) {
      throw new ModelException(name + " is a " + model.getModelCategory()
          + " model; the envelope needs a regression GBM (distribution=quantile)");
    }
    return new EasyPredictModelWrapper(new EasyPredictModelWrapper.Config().setModel(model));
  }

  /** One prediction, as the MODEL-FORMAT columns ask: day and hour as categorical strings. */
  public static double predict(final EasyPredictModelWrapper wrapper, final int day, final int hour)
      throws PredictException {
    final RowData row = new RowData();
    row.put("day", Integer.toString(day));
    row.put("hour", Integer.toString(hour));
    return wrapper.predictRegression(row).value;
  }

  private static double[] predictCells(final EasyPredictModelWrapper wrapper, final String name) {
    final double[] values = new double[DAYS * HOURS];
    for (int day = 1; day <= DAYS; day++) {
      for (int hour = 0; hour < HOURS; hour++) {
        final double value;
        try {
          value = predict(wrapper, day, hour);
        } catch (final PredictException | RuntimeException e) {
          throw new ModelException(name + " cannot predict day=" + day + " hour=" + hour
              + " (are its columns day \"1\"..\"7\" and hour \"0\"..\"23\" categorical?): " + e, e);
        }
        if (!Double.isFinite(value)) {
          throw new ModelException(name + " predicts " + value + " for day=" + day
              + " hour=" + hour);
        }
        values[cell(day, hour)] = value;
      }
    }
    return values;
  }

  private static int cell(final int day, final int hour) {
    return (day - 1) * HOURS + hour;
  }

  public double cellLower(final int day, final int hour) {
    return cellLower[cell(day, hour)];
  }

  public double cellUpper(final int day, final int hour) {
    return cellUpper[cell(day, hour)];
  }

  public double hourLower(final int hour) {
    return hourLower[hour];
  }

  public double hourUpper(final int hour) {
    return hourUpper[hour];
  }

  /** MODEL-FORMAT's score; the floor of 1 Wh keeps a flat envelope from dividing by ~0. */
  public static double score(final double kwh, final double lower, final double upper) {
    return (kwh - lower) / Math.max(upper - lower, 1.0);
  }
}
